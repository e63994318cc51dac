import Foundation

/// Device weights at MNIST scale (issues 9 and 30): the [784-110-10] network trained with the
/// absmin rule on differential pairs of each device preset, bidirectional and unidirectional,
/// written per example, per batch or by accumulate-then-fire, without and with
/// device-to-device variation, one
/// `pulseprop train` run per cell and seed in `runs/<cell>/seed<S>/`, beside the same rule on
/// ideal (float) weights with the same levels and epochs, rounded to nearest and stochastically. Every device run uses stochastic
/// rounding and the gain matched to `η` (`--device-eta`, one pulse = one device step), so
/// all cells share the ideal run's learning rate. Collected into `devices.md`, `devices.csv`
/// and `devices.svg` (``DevicesReport``).
public enum DevicesStudy: TrainingStudy {
    public struct Options: TrainingPlanOptions, DataPlanOptions, Equatable {
        /// Folder with the MNIST IDX files (absolute; in a plan, relative to the plan folder).
        public var data: String
        /// Trials (seeds 1…trials) per cell.
        public var trials: Int
        /// Epochs per trial.
        public var epochs: Int
        /// Pulse levels of the encoding.
        public var levels: Int
        /// The learning rate `η` of every cell (ideal: `--lr`; devices: `--device-eta`).
        public var eta: Double
        /// Unidirectional runs refresh a layer when both devices of a pair reach this state.
        public var refreshSaturation: Double
        /// Devices to run (preset names, ``DevicePreset``; each with its shipped calibration).
        public var devices: [String]
        /// Device-to-device variations to run (`--d2d`; 0: none).
        public var variations: [Double]
        /// Write schemes to run (`--write`; nil in plans made before the choice: per-example).
        public var writes: [DeviceWrite]?
        /// Pulse quanta per fired pulse of accumulate writes (`--threshold`).
        public var threshold: Double?
        /// The write schemes run.
        public var schemes: [DeviceWrite] { writes ?? [.perExample] }
        /// Train and test on the first examples only (quick looks and tests).
        public var trainLimit: Int?
        public var testLimit: Int?

        public init(
            data: String, trials: Int, epochs: Int, levels: Int = 20, eta: Double = 1e-4, refreshSaturation: Double = 0.8,
            devices: [String] = DevicePreset.all.map(\.name), variations: [Double] = [0, 0.1],
            writes: [DeviceWrite] = DeviceWrite.allCases, threshold: Double = 1, trainLimit: Int? = nil, testLimit: Int? = nil
        ) {
            self.writes = writes
            self.threshold = threshold
            self.data = URL(fileURLWithPath: data).standardizedFileURL.path
            self.trials = trials
            self.epochs = epochs
            self.levels = levels
            self.eta = eta
            self.refreshSaturation = refreshSaturation
            self.devices = devices
            self.variations = variations
            self.trainLimit = trainLimit
            self.testLimit = testLimit
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(trials >= 1, "trials", "must be ≥ 1, got \(trials)")
            try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
            try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
            try require(eta > 0 && eta.isFinite, "eta", "must be a finite value > 0, got \(eta)")
            try require(refreshSaturation > 0 && refreshSaturation <= 1, "refresh-saturation", "must be in (0, 1], got \(refreshSaturation)")
            try require(!devices.isEmpty, "devices", "needs at least one device")
            try DevicePreset.requireKnown(devices, option: "devices")
            try devices.requireDistinct("devices")
            try require(!variations.isEmpty, "variations", "needs at least one d2d value (0: none)")
            for sigma in variations {
                try require(sigma >= 0 && sigma.isFinite, "variations", "must be finite values ≥ 0, got \(sigma)")
            }
            try PulseProp.requireDistinct(variations, "variations") { $0.shortDecimal }
            try require(!schemes.isEmpty, "writes", "needs at least one write scheme")
            try PulseProp.requireDistinct(schemes, "writes") { $0.rawValue }
            try require((threshold ?? 1) > 0 && (threshold ?? 1).isFinite, "threshold", "must be a finite value > 0")
            try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
            try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
        }

        /// The cells in the table's order: the ideal-weight baselines (rounded to nearest, and
        /// stochastically like the device cells), then each device's schemes.
        public var cells: [DevicesReport.Cell] {
            [DevicesReport.Cell(device: nil, update: nil), DevicesReport.Cell(device: nil, update: nil, stochasticIdeal: true)]
                + devices.flatMap { d in
                    variations.flatMap { v in
                        schemes.flatMap { w in UpdateScheme.allCases.map { DevicesReport.Cell(device: d, update: $0, d2d: v, write: w) } }
                    }
                }
        }
    }


    public static let name = "devices"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return SweepRun.perTrial(options.cells, trials: options.trials, id: \.id) { cell, seed, id in
            var command = TrainCommand(output: "runs/\(id)")
            (command.data, command.method, command.levels, command.epochs, command.seed) =
                (options.data, .absmin, options.levels, options.epochs, seed)
            if let device = cell.device, let update = cell.update {
                (command.device, command.d2d) = (device, cell.d2d > 0 ? cell.d2d : nil)
                (command.weights, command.update, command.rounding, command.deviceEta) = (.pair, update, .stochastic, options.eta)
                // Every choice spelled out, so that train's defaults for device weights change nothing.
                command.refreshSaturation = update == .unidirectional ? options.refreshSaturation : 0
                command.write = cell.write
                if cell.write == .accumulate { command.threshold = options.threshold ?? 1 }
            } else {
                (command.weights, command.lr) = (.ideal, options.eta)
                if cell.stochasticIdeal { command.rounding = .stochastic }
            }
            (command.trainLimit, command.testLimit) = (options.trainLimit, options.testLimit)
            return SweepRun(id: id, command: command, seed: seed)
        }
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        let results = try summaries(of: options.cells, id: \.id, options: options, finished: finished, in: folder)
        let report = DevicesReport(cells: options.cells, results: results, epochs: options.epochs)
        return try StudyReport.written(markdown: report.markdown(), csv: report.csv(), svg: report.curves(), name: "devices", in: folder)
    }
}
