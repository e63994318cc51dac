import Foundation

/// A learning procedure as the run harness drives it: backpropagation (``BackpropRun``), the
/// belief net (``BeliefNetRun``) and equilibrium propagation (``EqPropRun``) each implement
/// this and nothing of the loop; a new procedure is one new conformance.
///
/// A run holds its checkpoint (configuration, model, history, generators) in memory; the
/// harness asks it for one epoch at a time and writes the checkpoint after each.
public protocol LearningRun: AnyObject {
    /// One epoch's record (a line of `log.csv`).
    associatedtype Epoch
    /// What a finished run reports (`summary.json`).
    associatedtype Summary

    /// Epochs finished so far (those of a resumed checkpoint included).
    var epochsFinished: Int { get }
    /// Epochs the run is to have when it ends.
    var epochsPlanned: Int { get }

    /// Trains one more epoch, updates the in-memory checkpoint and returns the epoch's record.
    /// A failing epoch (divergence, a simulator error) throws and leaves the written checkpoint
    /// as it was.
    func runEpoch() throws -> Epoch

    /// The checkpoint as the file holds it.
    func checkpointData() throws -> Data

    /// The history so far as `log.csv`, one line per epoch.
    func logCSV() throws -> String

    /// The run's summary; with a `folder`, its result files (`summary.json`, plots) written there.
    func finish(in folder: String?) throws -> Summary
}

/// The one run loop: epochs until the plan is met, the checkpoint written atomically after
/// each (so an interrupted run resumes from its last finished epoch, bit for bit), and the time
/// left estimated from this call's epochs (not from those before a resume).
public enum RunHarness {
    /// Called after every epoch, once its checkpoint is written: the record and the estimated
    /// seconds left.
    public typealias Progress<Epoch> = (Epoch, Double) throws -> Void

    /// Runs the remaining epochs of `run`, writing its checkpoint to `checkpointPath` (when
    /// given) after each, and `log.csv` beside it.
    public static func run<Run: LearningRun>(
        _ run: Run, checkpointPath: String?, progress: Progress<Run.Epoch> = { _, _ in }
    ) throws {
        let started = (date: Date(), epochs: run.epochsFinished)
        let logPath = checkpointPath.map { (($0 as NSString).deletingLastPathComponent as NSString).appendingPathComponent("log.csv") }
        while run.epochsFinished < run.epochsPlanned {
            let record = try run.runEpoch()
            if let checkpointPath { try AtomicFile.write(try run.checkpointData(), to: checkpointPath) }
            if let logPath { try AtomicFile.write(try run.logCSV(), to: logPath) }
            let done = run.epochsFinished - started.epochs
            let meanSeconds = Date().timeIntervalSince(started.date) / Double(max(done, 1))
            try progress(record, meanSeconds * Double(run.epochsPlanned - run.epochsFinished))
        }
    }

    /// Runs the remaining epochs (``run(_:checkpointPath:progress:)``) into `folder` — its
    /// `checkpoint.json` and `log.csv` after every epoch — and then writes the run's result files
    /// there and returns its summary. Without a folder nothing is written.
    public static func complete<Run: LearningRun>(
        _ run: Run, folder: String?, progress: Progress<Run.Epoch> = { _, _ in }
    ) throws -> Run.Summary {
        try Self.run(run, checkpointPath: folder.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }, progress: progress)
        return try run.finish(in: folder)
    }

    /// The checkpoint file a run continues from: `path` when `resume` is set and the file
    /// exists, else nil (the run starts afresh, so a sweep can pass `--resume` to every run).
    public static func checkpointToResume(_ path: String?, resume: Bool) -> String? {
        guard resume, let path, FileManager.default.fileExists(atPath: path) else { return nil }
        return path
    }
}
