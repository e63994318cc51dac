import Foundation

/// The MNIST IR-drop study (issue 27, item 7): the [784-110-10] network trained with the
/// transposed-absmin rule at 20 levels on differential pairs of each device (`linear`, the
/// ideal device, and `taox-hfox` by default), per segment resistance × tile rows, one
/// `pulseprop train` run per cell and seed in `runs/<cell>/seed<S>/`. Every cell is written
/// through the wire-aware analytic engine (``WiredAnalyticEngine``) and read either ideally
/// (``WiresReport/Paths/write``: only the writes see the wires) or through the wires too
/// (``WiresReport/Paths/both``: `--wired-read`, each product `I⁺ − I⁻` of its pair's
/// columns), so the table says whether the read or the write breaks first. At 0 Ω the wiring
/// is ideal whatever the tiles, so each device has one 0 Ω cell, the baseline. Every run uses
/// bidirectional updates, stochastic rounding and the gain matched to `η`, as the device study
/// does (``DevicesStudy``). Collected into `wires.md`, `wires.csv` and `wires.svg`
/// (``WiresReport``).
public enum WiresStudy: TrainingStudy {
    public struct Options: TrainingPlanOptions, DataPlanOptions, Equatable {
        /// Folder with the MNIST IDX files (absolute; in a plan, relative to the plan folder).
        public var data: String
        /// Trials (seeds 1…trials) per cell.
        public var trials: Int
        /// Epochs per trial.
        public var epochs: Int
        /// Pulse levels of the encoding.
        public var levels: Int
        /// The learning rate `η` of every cell (`--device-eta`).
        public var eta: Double
        /// Device presets (``DevicePreset``, each with its shipped calibration).
        public var devices: [String]
        /// Segment resistances, Ω (`--wire-resistance`).
        public var resistances: [Double]
        /// Rows per tile (`--tile-rows`); nil: the whole layer on one crossbar.
        public var tileRows: [Int?]
        /// Which paths go through the wires at non-zero resistance.
        public var paths: [WiresReport.Paths]
        /// How the pairs are written (`--write`).
        public var write: DeviceWrite
        /// Train and test on the first examples only (quick looks and tests).
        public var trainLimit: Int?
        public var testLimit: Int?

        public init(
            data: String, trials: Int, epochs: Int, levels: Int = 20, eta: Double = 1e-4, devices: [String] = ["linear", "taox-hfox"],
            resistances: [Double] = [0, 0.5, 1, 2, 5, 10], tileRows: [Int?] = [128, 256, nil],
            paths: [WiresReport.Paths] = WiresReport.Paths.allCases, write: DeviceWrite = .perExample,
            trainLimit: Int? = nil, testLimit: Int? = nil
        ) {
            self.data = URL(fileURLWithPath: data).standardizedFileURL.path
            (self.trials, self.epochs, self.levels, self.eta) = (trials, epochs, levels, eta)
            (self.devices, self.resistances, self.tileRows, self.paths, self.write) = (devices, resistances, tileRows, paths, write)
            (self.trainLimit, self.testLimit) = (trainLimit, testLimit)
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(trials >= 1, "trials", "must be ≥ 1, got \(trials)")
            try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
            try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
            try require(eta > 0 && eta.isFinite, "eta", "must be a finite value > 0, got \(eta)")
            try require(!devices.isEmpty, "devices", "needs at least one device")
            try DevicePreset.requireKnown(devices, option: "devices")
            try devices.requireDistinct("devices")
            try require(!resistances.isEmpty, "resistances", "needs at least one segment resistance")
            for r in resistances {
                try require(r >= 0 && r.isFinite, "resistances", "must be finite values ≥ 0 ohm, got \(r)")
            }
            try PulseProp.requireDistinct(resistances, "resistances") { $0.shortDecimal }
            try require(!tileRows.isEmpty, "tile-rows", "needs at least one tile size (or 'whole')")
            for rows in tileRows {
                try require((rows ?? 1) >= 1, "tile-rows", "must be ≥ 1 row (or 'whole'), got \(rows ?? 0)")
            }
            try PulseProp.requireDistinct(tileRows, "tile-rows") { WiresReport.Cell.tileLabel($0) }
            try require(!paths.isEmpty, "paths", "needs at least one of write, both")
            try PulseProp.requireDistinct(paths, "paths") { $0.rawValue }
            try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
            try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
        }

        /// The cells in the table's order: per device its 0 Ω baseline (when 0 is listed),
        /// then every non-zero resistance × tile size × paths.
        public var cells: [WiresReport.Cell] {
            devices.flatMap { device in
                (resistances.contains(0) ? [WiresReport.Cell(device: device, resistance: 0, tileRows: nil, paths: .both)] : [])
                    + resistances.filter { $0 > 0 }.flatMap { r in
                        tileRows.flatMap { t in paths.map { WiresReport.Cell(device: device, resistance: r, tileRows: t, paths: $0) } }
                    }
            }
        }
    }

    public static let name = "wires"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return SweepRun.perTrial(options.cells, trials: options.trials, id: \.id) { cell, seed, id in
            var command = TrainCommand(output: "runs/\(id)")
            (command.data, command.feedback, command.method, command.levels, command.epochs, command.seed) =
                (options.data, .transposed, .absmin, options.levels, options.epochs, seed)
            (command.weights, command.device, command.update, command.rounding, command.deviceEta) =
                (.pair, cell.device, .bidirectional, .stochastic, options.eta)
            // Every choice spelled out, so that train's defaults for device weights change nothing.
            (command.refreshSaturation, command.write) = (0, options.write)
            if cell.resistance > 0 {
                (command.engine, command.wireResistance, command.driverResistance) = (.analytic, cell.resistance, 0)
                command.tileRows = cell.tileRows
                command.wiredRead = cell.paths == .both
            }
            (command.trainLimit, command.testLimit) = (options.trainLimit, options.testLimit)
            return SweepRun(id: id, command: command, seed: seed)
        }
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        let results = try summaries(of: options.cells, id: \.id, options: options, finished: finished, in: folder)
        let report = WiresReport(cells: options.cells, results: results, epochs: options.epochs)
        return try StudyReport.written(markdown: report.markdown(), csv: report.csv(), svg: report.plot(), name: "wires", in: folder)
    }
}
