import Foundation

/// Wire and driver resistance against circuit-in-the-loop training of the built-in task: one
/// `pulseprop train --engine spice --compare --spice-read` run per (segment, driver)
/// resistance pair, collected into `wire-training.csv` and `wire-training.md`.
public enum WireTrainingStudy: Study {
    public struct Options: PlanOptions, Equatable {
        /// Unchanged: the study names no file (`trainArguments` are passed on as given).
        public func relative(to folder: String) -> Self { self }

        /// (segment, driver) resistance pairs, ohms.
        public var pairs: [Pair]
        /// Epochs per run.
        public var epochs: Int
        /// Further `train` arguments every run gets (paths absolute).
        public var trainArguments: [String]

        /// A segment and a driver resistance, ohms.
        public struct Pair: Codable, Equatable, Sendable {
            public var segment: Double
            public var driver: Double

            public init(segment: Double, driver: Double) {
                self.segment = segment
                self.driver = driver
            }
        }

        /// The pairs of the committed study in `docs/results/wire-training`.
        public static let defaultPairs: [Pair] = [
            (0, 0), (2, 0), (10, 0), (50, 0), (200, 0), (0, 200), (10, 200), (0, 1000), (0, 3000),
        ].map { Pair(segment: $0.0, driver: $0.1) }

        public init(pairs: [Pair] = defaultPairs, epochs: Int = 8, trainArguments: [String] = []) {
            self.pairs = pairs
            self.epochs = epochs
            self.trainArguments = trainArguments
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(!pairs.isEmpty, "pairs", "needs at least one SEGMENT:DRIVER pair")
            for p in pairs {
                try require(p.segment >= 0 && p.segment.isFinite && p.driver >= 0 && p.driver.isFinite, "pairs",
                            "resistances must be finite and ≥ 0, got \(p.segment.shortDecimal):\(p.driver.shortDecimal)")
            }
            try PulseProp.requireDistinct(pairs.map { "\($0.segment.shortDecimal):\($0.driver.shortDecimal)" }, "pairs") { $0 }
            try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
        }
    }

    public static let name = "wire-training"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return options.pairs.map { p in
            let id = "wire\(p.segment.shortDecimal)-driver\(p.driver.shortDecimal)"
            var command = TrainCommand(output: "runs/\(id)")
            (command.engine, command.compare, command.spiceRead, command.epochs) = (.spice, true, true, options.epochs)
            (command.wireResistance, command.driverResistance) = (p.segment, p.driver)
            command.extra = options.trainArguments
            return SweepRun(id: id, command: command)
        }
    }

    public static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool {
        BackpropReport.Summary.read(in: folder)?.epochs == options.epochs
    }

    public static func describe(_ run: SweepRun, folder: String) -> String? {
        BackpropReport.Summary.read(in: folder).map { String(format: "test accuracy %.1f %%", 100 * (1 - $0.testError)) }
    }

    public static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String? {
        RunResultFile.trainingSummaryProblem(in: folder, epochs: options.epochs)
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        let rows: [WireTrainingReport.Row] = zip(options.pairs, try runs(options)).compactMap { pair, run in
            guard finished.contains(run), let s = BackpropReport.Summary.read(in: folder.folder(of: run)) else { return nil }
            return WireTrainingReport.Row(segment: pair.segment, driver: pair.driver, summary: s)
        }
        let markdown = WireTrainingReport.markdown(rows)
        try AtomicFile.write(WireTrainingReport.csv(rows), to: folder.file("wire-training.csv"))
        try AtomicFile.write(markdown, to: folder.file("wire-training.md"))
        return StudyReport(text: markdown, files: ["wire-training.csv", "wire-training.md"].map(folder.file))
    }
}
