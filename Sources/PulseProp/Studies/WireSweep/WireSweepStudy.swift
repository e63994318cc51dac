import Foundation

/// The wire sweep as a study: one `pulseprop validate` run per array size and wire resistance
/// (the same random step in SPICE and in the analytic engine), collected into
/// `wire-sweep.csv`, `wire-sweep.md` and `wire-sweep.svg`.
public enum WireSweepStudy: Study {
    public struct Options: PlanOptions, Equatable {
        /// Unchanged: the study names no file (`validateArguments` are passed on as given).
        public func relative(to folder: String) -> Self { self }

        /// Square array sizes.
        public var sizes: [Int]
        /// Wire resistances per segment, ohms.
        public var resistances: [Double]
        /// Pulse levels of the step.
        public var levels: Int
        /// Seed of the step's signals and states.
        public var seed: UInt64
        /// Further `validate` arguments every run gets (device, pulses, drivers, calibration), paths absolute.
        public var validateArguments: [String]

        public init(sizes: [Int], resistances: [Double], levels: Int, seed: UInt64, validateArguments: [String] = []) {
            self.sizes = sizes
            self.resistances = resistances
            self.levels = levels
            self.seed = seed
            self.validateArguments = validateArguments
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(!sizes.isEmpty && sizes.allSatisfy { $0 >= 1 }, "sweep-sizes", "sizes must be ≥ 1")
            try require(!resistances.isEmpty && resistances.allSatisfy { $0 >= 0 && $0.isFinite }, "sweep-resistances",
                        "resistances must be finite and ≥ 0")
            try sizes.requireDistinct("sweep-sizes")
            try PulseProp.requireDistinct(resistances, "sweep-resistances") { $0.shortDecimal }
            try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
        }
    }

    public static let name = "wire-sweep"
    private static let resultFile = "comparison.json"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return options.sizes.flatMap { n in
            options.resistances.map { r in
                SweepRun(
                    id: "\(n)x\(n)-wire\(r.shortDecimal)",
                    command: ValidateCommand(
                        size: n, levels: options.levels, seed: options.seed, wireResistance: r, extra: options.validateArguments),
                    seed: options.seed, stdoutFile: resultFile)
            }
        }
    }

    public static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool {
        comparison(in: folder) != nil
    }

    public static func describe(_ run: SweepRun, folder: String) -> String? {
        comparison(in: folder).map { String(format: "rms %.3f %%, max %.3f %% of the range", 100 * $0.rmsErrorFraction, 100 * $0.maxErrorFraction) }
    }

    public static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String? {
        RunResultFile.problem(in: folder, resultFile, as: EngineComparison.self)
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        let rows = try runs(options).filter(finished.contains).compactMap { comparison(in: folder.folder(of: $0)) }
        let markdown = WireSweepReport.markdown(rows)
        try AtomicFile.write(WireSweepReport.csv(rows), to: folder.file("wire-sweep.csv"))
        try AtomicFile.write(markdown, to: folder.file("wire-sweep.md"))
        try AtomicFile.write(WireSweepReport.plot(rows), to: folder.file("wire-sweep.svg"))
        return StudyReport(text: markdown, files: ["wire-sweep.csv", "wire-sweep.md", "wire-sweep.svg"].map(folder.file))
    }

    private static func comparison(in folder: String) -> EngineComparison? {
        FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(resultFile))
            .flatMap { try? SnakeCaseJSON.decode(EngineComparison.self, from: $0) }
    }
}
