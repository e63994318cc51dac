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
}

/// The one run loop: epochs until the plan is met, the checkpoint written atomically after
/// each (so an interrupted run resumes from its last finished epoch, bit for bit), and the time
/// left estimated from this call's epochs (not from those before a resume).
public enum RunHarness {
    /// Called after every epoch, once its checkpoint is written: the record and the estimated
    /// seconds left.
    public typealias Progress<Epoch> = (Epoch, Double) throws -> Void

    /// Runs the remaining epochs of `run`, writing its checkpoint to `checkpointPath` (when
    /// given) after each.
    public static func run<Run: LearningRun>(
        _ run: Run, checkpointPath: String?, progress: Progress<Run.Epoch> = { _, _ in }
    ) throws {
        let started = (date: Date(), epochs: run.epochsFinished)
        while run.epochsFinished < run.epochsPlanned {
            let record = try run.runEpoch()
            if let checkpointPath { try AtomicFile.write(try run.checkpointData(), to: checkpointPath) }
            let done = run.epochsFinished - started.epochs
            let meanSeconds = Date().timeIntervalSince(started.date) / Double(max(done, 1))
            try progress(record, meanSeconds * Double(run.epochsPlanned - run.epochsFinished))
        }
    }

    /// The checkpoint file to continue from: its contents when `resume` is set and it exists,
    /// else nil (the run starts afresh, so a sweep can pass `--resume` to every run).
    public static func savedCheckpoint(at path: String?, resume: Bool) throws -> Data? {
        guard resume, let path, FileManager.default.fileExists(atPath: path) else { return nil }
        return try InputFile.data(atPath: path)
    }
}
