import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop reproduce table1`: all twelve cells of Table 1 of Negrov et al. (2017).
///
/// Each trial is a `pulseprop train` child process with its own output folder and
/// checkpoint, `--jobs` at a time; running the command again resumes unfinished trials and
/// skips finished ones. Results: `table1.md`, `table1.csv`, and `fig6-<resolution>.svg`.
struct ReproduceTable1: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "table1",
        abstract: "Run the 12 cells of Table 1 (MNIST, [784-110-10]) and tabulate mean ± std beside the paper.")

    @Option(help: "Folder with the MNIST IDX files.")
    var data: String

    @Option(help: "Trials (seeds 1…trials) per cell.")
    var trials: Int = 10

    @Option(help: "Epochs per trial.")
    var epochs: Int = 50

    @Option(help: "Trials run at once (each single-threaded).")
    var jobs: Int = 2

    @Option(help: "Output folder.")
    var output: String = "out/table1"

    func run() throws {
        try require(trials >= 1, "trials", "must be ≥ 1")
        try require(epochs >= 1, "epochs", "must be ≥ 1")
        try require(jobs >= 1, "jobs", "must be ≥ 1")
        _ = try Dataset.mnist(directory: data)  // fail early on bad data, before any child starts
        let runs = Table1.cells.flatMap { cell in (1...trials).map { (cell: cell, seed: UInt64($0)) } }
        let folder = { (cell: Table1.Cell, seed: UInt64) in
            "\(output)/runs/\(cell.configuration.ruleName)/seed\(seed)"
        }
        let pending = runs.filter { finishedHistory(folder($0.cell, $0.seed)) == nil }
        FileHandle.standardError.write(Data("table1: \(runs.count) trials, \(runs.count - pending.count) already finished, \(jobs) at a time\n".utf8))
        let started = Date()
        let tally = TrialTally()
        let queue = DispatchQueue(label: "table1", attributes: .concurrent)
        let slots = DispatchSemaphore(value: jobs)
        let group = DispatchGroup()
        for run in pending {
            slots.wait()
            group.enter()
            queue.async {
                defer { slots.signal(); group.leave() }
                let target = folder(run.cell, run.seed)
                let status = trainChild(run.cell, seed: run.seed, folder: target)
                let result = finishedHistory(target)?.last.map { String(format: "test %.2f %%", 100 * $0.testError) } ?? "FAILED (status \(status))"
                let done = tally.finish(target, failed: status != 0)
                let elapsed = Date().timeIntervalSince(started)
                let eta = elapsed / Double(done) * Double(pending.count - done)
                FileHandle.standardError.write(Data(String(
                    format: "[%d/%d] %@ seed %d: %@  (elapsed %.0f s, ETA %.0f s)\n", done, pending.count,
                    run.cell.configuration.ruleName, run.seed, result, elapsed, eta).utf8))
            }
        }
        group.wait()
        var results: [Table1.Cell: [Double]] = [:]
        var histories: [Table1.Cell: [[EpochRecord]]] = [:]
        for run in runs {
            guard let history = finishedHistory(folder(run.cell, run.seed)) else { continue }
            results[run.cell, default: []].append(history.last!.testError)
            histories[run.cell, default: []].append(history)
        }
        try AtomicFile.write(Table1.markdown(results: results, epochs: epochs), to: "\(output)/table1.md")
        try AtomicFile.write(Table1.csv(results: results), to: "\(output)/table1.csv")
        for levels in Table1.levels {
            try AtomicFile.write(
                Table1.curves(histories: histories, levels: levels),
                to: "\(output)/fig6-\(levels == 0 ? "continuous" : "L\(levels)").svg")
        }
        print(Table1.markdown(results: results, epochs: epochs), terminator: "")
        print("wrote \(output)/table1.md, table1.csv and fig6-*.svg")
        let failures = tally.failures
        if !failures.isEmpty {
            throw ParameterError("trials", "\(failures.count) trial(s) failed; see their folders, e.g. \(failures[0]) (run again to resume)")
        }
    }

    /// The history of a trial that ran all epochs, or nil.
    private func finishedHistory(_ folder: String) -> [EpochRecord]? {
        guard let data = FileManager.default.contents(atPath: "\(folder)/summary.json") else { return nil }
        guard let summary = try? SnakeCaseJSON.decode(TrainingReport.Summary.self, from: data), summary.epochs == epochs else {
            return nil
        }
        return summary.history
    }

    /// Runs one trial as a child `pulseprop train` process (log in the trial's folder).
    private func trainChild(_ cell: Table1.Cell, seed: UInt64, folder: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            "train", "--data", data, "--method", cell.method.rawValue, "--feedback", cell.feedback.rawValue,
            "--levels", String(cell.levels), "--epochs", String(epochs), "--seed", String(seed), "--output", folder,
            "--resume",
        ]
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: "\(folder)/train.log", contents: nil) else { return -1 }
        let log = FileHandle(forWritingAtPath: "\(folder)/train.log")
        process.standardOutput = log
        process.standardError = log
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        try? log?.close()
        return process.terminationStatus
    }
}

/// Finished and failed trials, counted from concurrent workers.
private final class TrialTally: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var failed: [String] = []

    /// Records one finished trial and returns how many have finished.
    func finish(_ folder: String, failed isFailure: Bool) -> Int {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if isFailure { failed.append(folder) }
        return done
    }

    /// Folders of the failed trials.
    var failures: [String] {
        lock.lock()
        defer { lock.unlock() }
        return failed
    }
}
