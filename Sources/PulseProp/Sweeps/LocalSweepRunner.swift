import Foundation

/// Runs a plan's unfinished runs on this machine, `jobs` at a time, with a progress line per
/// finished run (on standard error) and the time left estimated from the runs finished so far.
public struct LocalSweepRunner {
    public let executor: SweepExecutor
    public let jobs: Int
    /// Describes a finished run for its progress line (e.g. its test error).
    public let describe: (SweepRun) -> String?

    public init(executor: SweepExecutor, jobs: Int, describe: @escaping (SweepRun) -> String? = { _ in nil }) {
        self.executor = executor
        self.jobs = jobs
        self.describe = describe
    }

    /// The runs left undone: failed, or stopped by a signal (they stay pending).
    public struct Undone: Equatable, Sendable {
        public var failed: [String]
        public var stopped: [String]
    }

    /// Runs every unfinished run; returns those that failed or were stopped.
    public func run(log: @escaping @Sendable (String) -> Void) throws -> Undone {
        let folder = executor.folder
        let runs = try folder.header().runs
        let pending = try runs.filter { try folder.status(of: $0).state != .done }
        log("\(folder.path): \(runs.count) runs, \(runs.count - pending.count) finished already, \(jobs) at a time\n")
        let started = Date()
        let tally = Tally()
        let queue = DispatchQueue(label: "sweep", attributes: .concurrent)
        let slots = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        for run in pending {
            slots.wait()
            group.enter()
            queue.async { [executor, describe] in
                defer { slots.signal(); group.leave() }
                let outcome: String
                var failed = false
                var stopped = false
                var ran = true
                do {
                    switch try executor.execute(run) {
                    case .done: outcome = describe(run) ?? "done"
                    case .failed(let code):
                        failed = true
                        outcome = "FAILED: " + ((try? folder.status(of: run).failureReason) ?? "exit \(code)")
                    case .interrupted: (outcome, stopped) = ("stopped by a signal; it stays pending", true)
                    case .alreadyDone: (outcome, ran) = ("finished elsewhere", false)
                    case .lockedElsewhere: (outcome, ran) = ("running elsewhere, skipped", false)
                    }
                } catch {
                    failed = true
                    outcome = "FAILED: \(error)"
                }
                let (done, timed) = tally.finish(run.id, failed: failed, stopped: stopped, ran: ran)
                let elapsed = Date().timeIntervalSince(started)
                // Runs finish at timed/elapsed per second with all slots busy; the rest take as long.
                let eta = timed > 0 ? elapsed * Double(pending.count - done) / Double(timed) : 0
                log(String(format: "[%d/%d] %@: %@  (elapsed %.0f s, ETA %.0f s)\n", done, pending.count, run.id, outcome, elapsed, eta))
            }
        }
        group.wait()
        return tally.undone
    }
}

/// Finished and failed runs, counted from concurrent workers.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var timed = 0
    private var failed: [String] = []
    private var stopped: [String] = []

    /// Records one finished run; returns how many have finished and how many of those ran here.
    func finish(_ id: String, failed isFailure: Bool, stopped isStopped: Bool, ran: Bool) -> (done: Int, timed: Int) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if ran { timed += 1 }
        if isFailure { failed.append(id) }
        if isStopped { stopped.append(id) }
        return (done, timed)
    }

    var undone: LocalSweepRunner.Undone {
        lock.lock()
        defer { lock.unlock() }
        return LocalSweepRunner.Undone(failed: failed, stopped: stopped)
    }
}
