import Foundation
import PulseProp

/// What the sweep commands and the thin `reproduce` commands share: this executable, the local
/// runner with its signal handling, and collecting.
enum SweepCLI {
    /// This `pulseprop` executable, for child runs and for the commands written into scripts.
    static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// Writes `line` to standard error.
    @Sendable static func log(_ line: String) {
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Runs the plan's unfinished runs here, `jobs` at a time. SIGINT or SIGTERM stops the
    /// children and leaves their runs pending (they resume from their checkpoints).
    static func runLocally(_ folder: SweepFolder, jobs: Int) throws {
        try require(jobs >= 1, "jobs", "must be ≥ 1, got \(jobs)")
        let study = try StudyRegistry.openPlan(at: folder.path).study
        let executor = SweepExecutor(folder: folder, executable: executable)
        let stop = interruptOnSignals(executor)
        let undone = try LocalSweepRunner(executor: executor, jobs: jobs) { study.describe($0, in: folder) }.run(log: log)
        withExtendedLifetime(stop) {}
        if stop.fired {
            throw SweepError.interrupted(folder: folder.path)
        }
        if let first = undone.failed.first {
            throw SweepError.runsFailed(folder: folder.path, count: undone.failed.count, example: first)
        }
        if let first = undone.stopped.first {
            throw SweepError.runsStopped(folder: folder.path, count: undone.stopped.count, example: first)
        }
    }

    /// Runs the plan here and collects what finished, also when some runs failed or the run was
    /// interrupted (then it reports that after collecting).
    static func runAndCollect(_ folder: SweepFolder, jobs: Int) throws {
        var failure: Error?
        do {
            try runLocally(folder, jobs: jobs)
        } catch let error as SweepError {
            switch error {
            case .interrupted, .runsFailed, .runsStopped: failure = error  // collect what finished, then report
            default: throw error
            }
        }
        try collect(folder)
        if let failure { throw failure }
    }

    /// Writes the study's tables and plots from the finished runs and prints the table.
    static func collect(_ folder: SweepFolder) throws {
        let study = try StudyRegistry.openPlan(at: folder.path).study
        let report = try study.collect(planIn: folder)
        for run in report.brokenRuns {
            log("warning: run \(run.id) finished, but \(run.reason); left out of the tables\n")
        }
        if !report.brokenRuns.isEmpty {
            log("warning: \(report.brokenRuns.count) finished run(s) left out ('pulseprop sweep status' lists them as broken)\n")
        }
        try StandardOutput.write(report.text + "wrote " + report.files.joined(separator: ", ") + "\n", terminator: "")
    }

    /// Forwards SIGINT and SIGTERM to `executor.interrupt()` for as long as the result lives.
    static func interruptOnSignals(_ executor: SweepExecutor) -> SignalForwarder {
        SignalForwarder(signals: [SIGINT, SIGTERM]) { executor.interrupt() }
    }
}

/// Turns signals into a call on a queue instead of the default of dying at once, so children
/// can be stopped and statuses written; the default handling returns when it is released.
final class SignalForwarder: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var didFire = false

    init(signals: [Int32], action: @escaping @Sendable () -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.lock.lock()
                self?.didFire = true
                self?.lock.unlock()
                action()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a signal arrived.
    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return didFire
    }

    deinit {
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
    }
}
