import Foundation

/// The memristive deep belief net of Wang et al. (2022) on MNIST (issue 12): ideal weights,
/// then each device preset's pairs written per batch and by accumulate-then-fire, one
/// `pulseprop dbn train` run per cell and seed in `runs/<cell>/seed<S>/`. Collected into
/// `dbn.md`, `dbn.csv` and `dbn.svg` (``BeliefNetStudyReport``).
public enum BeliefNetStudy: Study {
    public struct Options: DataPlanOptions, Equatable {
        /// Folder with the MNIST IDX files (absolute; in a plan, relative to the plan folder).
        public var data: String
        /// Trials (seeds 1…trials) per cell.
        public var trials: Int
        /// Epochs per RBM.
        public var epochs: Int
        /// Hidden units of each RBM.
        public var layers: [Int]
        /// Minibatch size (and the accumulate threshold θ).
        public var batch: Int
        /// Device presets to run.
        public var devices: [String]
        /// Write schemes to run for each device.
        public var writes: [DeviceWrite]
        /// The recipe of every run (nil: `dbn train`'s default): CD statistics, momentum and
        /// weight cost (``BeliefNetConfiguration``).
        public var statistics: BeliefNetStatistics?
        public var momentum: Double?
        public var weightDecay: Double?
        /// Train and test on the first examples only (quick looks and tests).
        public var trainLimit: Int?
        public var testLimit: Int?

        public init(
            data: String, trials: Int, epochs: Int, layers: [Int] = [500, 500, 2000], batch: Int = 100,
            devices: [String] = DevicePreset.all.map(\.name), writes: [DeviceWrite] = DeviceWrite.minibatchWrites,
            statistics: BeliefNetStatistics? = nil, momentum: Double? = nil, weightDecay: Double? = nil,
            trainLimit: Int? = nil, testLimit: Int? = nil
        ) {
            self.data = URL(fileURLWithPath: data).standardizedFileURL.path
            self.trials = trials
            self.epochs = epochs
            self.layers = layers
            self.batch = batch
            self.devices = devices
            self.writes = writes
            self.statistics = statistics
            self.momentum = momentum
            self.weightDecay = weightDecay
            self.trainLimit = trainLimit
            self.testLimit = testLimit
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(trials >= 1, "trials", "must be ≥ 1, got \(trials)")
            try runConfiguration.validate()
            try DevicePreset.requireKnown(devices, option: "devices")
            try devices.requireDistinct("devices")
            try require(!writes.isEmpty, "writes", "needs at least one write scheme")
            try PulseProp.requireDistinct(writes, "writes") { $0.rawValue }
            try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
            try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
        }

        /// What every run shares: `dbn train`'s defaults with the study's shape and recipe.
        private var runConfiguration: BeliefNetConfiguration {
            var c = BeliefNetConfiguration()
            (c.epochs, c.layers, c.batch) = (epochs, layers, batch)
            c.statistics = statistics ?? c.statistics
            c.momentum = momentum ?? c.momentum
            c.weightDecay = weightDecay ?? c.weightDecay
            return c
        }

        /// Whether a run's configuration follows this study's recipe.
        public func follows(_ c: BeliefNetConfiguration) -> Bool { c.recipe == runConfiguration.recipe }

        /// Ideal weights, then each device's write schemes.
        public var cells: [BeliefNetStudyReport.Cell] {
            [BeliefNetStudyReport.Cell(device: nil, write: nil)] + devices.flatMap { d in writes.map { BeliefNetStudyReport.Cell(device: d, write: $0) } }
        }
    }

    public static let name = "dbn"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return SweepRun.perTrial(options.cells, trials: options.trials, id: \.id) { cell, seed, id in
            var command = BeliefNetTrainCommand(
                layers: options.layers, epochs: options.epochs, batch: options.batch, seed: seed, output: "runs/\(id)")
            command.data = options.data
            if let device = cell.device, let write = cell.write { command.pairs = (device, write) }
            (command.statistics, command.momentum, command.weightDecay) = (options.statistics, options.momentum, options.weightDecay)
            (command.trainLimit, command.testLimit) = (options.trainLimit, options.testLimit)
            return SweepRun(id: id, command: command, seed: seed)
        }
    }

    public static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool {
        BeliefNetReport.Summary.read(in: folder).map {
            $0.epochs == options.epochs && $0.configuration.layers == options.layers && options.follows($0.configuration)
        } ?? false
    }

    public static func describe(_ run: SweepRun, folder: String) -> String? {
        BeliefNetReport.Summary.read(in: folder).map { String(format: "test %.2f %%", 100 * $0.testError) }
    }

    public static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String? {
        RunResultFile.problem(in: folder, "summary.json", as: BeliefNetReport.Summary.self) {
            isComplete(run, folder: folder, options: options) ? nil : "summary.json is of \($0.epochs) epochs or another configuration than the plan's"
        }
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        let results = try results(of: options.cells, id: \.id, options: options, finished: finished, in: folder) { run, runFolder in
            isComplete(run, folder: runFolder, options: options) ? BeliefNetReport.Summary.read(in: runFolder) : nil
        }
        let report = BeliefNetStudyReport(cells: options.cells, results: results, epochs: options.epochs, layers: options.layers)
        return try StudyReport.written(markdown: report.markdown(), csv: report.csv(), svg: report.curves(), name: "dbn", in: folder)
    }
}
