import ArgumentParser
import PulseProp

/// Where a learning run writes and whether it continues: `--output`, `--resume`, `--overwrite`,
/// shared by `train`, `dbn train` and `eqprop train` (``RunFolder`` is the policy).
public struct RunFolderOptions: ParsableArguments {
    @Option(help: "Folder for the run's log.csv, summary.json, plot and checkpoint.json (default: out/<procedure>-…-seed<S>).")
    public var output: String?

    @Flag(help: "Continue from the output folder's checkpoint, to the same or more --epochs (without one, start afresh); any other change is refused, naming the field.")
    public var resume = false

    @Flag(help: "Start afresh in an output folder that holds an earlier run's checkpoint (it is replaced).")
    public var overwrite = false

    public init() {}

    public func validate() throws {
        try RunFolder.checkFlags(resume: resume, overwrite: overwrite)
    }

    /// The folder: `--output`, else `fallback`.
    public func folder(default fallback: String) -> String { output ?? fallback }

    /// Locks `folder` for the run (``RunFolder/claim(_:checkpoints:resume:overwrite:)``).
    public func claim(_ folder: String, checkpoints: [String] = ["checkpoint.json"]) throws -> OutputLock {
        try RunFolder.claim(folder, checkpoints: checkpoints, resume: resume, overwrite: overwrite)
    }
}
