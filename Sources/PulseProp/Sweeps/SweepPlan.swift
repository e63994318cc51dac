import Foundation

/// The file `plan.json` of a plan folder: which study, with which options, expanded into which runs.
///
/// Generic over the study's options so each study reads its own; ``SweepPlanHeader`` reads
/// what every plan has without knowing the study.
public struct SweepPlan<Options: Codable & Sendable>: Codable, Sendable {
    /// Layout version of plan folders; a folder written with another is refused.
    public static var currentFormatVersion: Int { SweepPlanHeader.currentFormatVersion }

    public var formatVersion: Int
    /// The study's name in ``StudyRegistry``.
    public var study: String
    /// The study's options.
    public var options: Options
    /// Every run, in plan order (array task `k` of a Slurm job runs the `k`-th unfinished one).
    public var runs: [SweepRun]

    public init(study: String, options: Options, runs: [SweepRun]) {
        formatVersion = Self.currentFormatVersion
        self.study = study
        self.options = options
        self.runs = runs
    }
}

/// The part of `plan.json` that does not depend on the study.
public struct SweepPlanHeader: Codable, Sendable {
    /// The plan-folder layout this build reads and writes.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var study: String
    public var runs: [SweepRun]
}
