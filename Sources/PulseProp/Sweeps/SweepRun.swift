/// One run of a study: a `pulseprop` command line that writes only inside its own folder.
///
/// Paths in `arguments` are relative to the plan folder (the runner starts every run there),
/// except inputs the user named, which the study makes absolute: a plan folder can then move,
/// and a cluster node sees the same files through a shared filesystem.
public struct SweepRun: Codable, Equatable, Sendable {
    /// Unique within the plan, and the run's folder below `runs/` (may contain `/`).
    public var id: String
    /// Arguments of `pulseprop` (without the executable).
    public var arguments: [String]
    /// The run's seed, for status listings.
    public var seed: UInt64?
    /// File in the run folder that receives the run's standard output, when the study reads it
    /// (written only when the run succeeds); otherwise standard output goes to `run.log`.
    public var stdoutFile: String?

    public init(id: String, arguments: [String], seed: UInt64? = nil, stdoutFile: String? = nil) {
        self.id = id
        self.arguments = arguments
        self.seed = seed
        self.stdoutFile = stdoutFile
    }

    /// The run's folder relative to the plan folder.
    public var folder: String { "runs/\(id)" }
}
