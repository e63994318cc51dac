import Foundation

/// Table 1 of Negrov et al. (2017) as a study: one `pulseprop train` run per cell and seed,
/// each in `runs/<rule>/seed<S>/` with its own checkpoint; collected into `table1.md`,
/// `table1.csv` and `fig6-<resolution>.svg`; with ``Options/beside``, also `comparison.md` and
/// `comparison.csv` (this study's cells beside other finished Table 1 folders).
public enum Table1Study: Study {
    public struct Options: PlanOptions, Equatable {
        /// The data folder and the folders beside relative to the plan folder.
        public func relative(to folder: String) -> Self {
            var options = self
            options.data = PlanPath.relative(data, to: folder)
            options.beside = beside?.map { Beside(label: $0.label, relativeFolder: PlanPath.relative($0.folder, to: folder)) }
            return options
        }

        /// Folder with the MNIST IDX files (absolute; in a plan, relative to the plan folder).
        public var data: String
        /// Trials (seeds 1…trials) per cell.
        public var trials: Int
        /// Epochs per trial.
        public var epochs: Int
        /// Resolutions to run (default: all three of the table).
        public var levels: [Int]?
        /// Train and test on the first examples only (quick looks and tests).
        public var trainLimit: Int?
        public var testLimit: Int?
        /// Pulse quanta of every trial's update (nil: `train`'s default, shared).
        public var quantisation: PulseQuantisation?
        /// Rounding of every trial's pulse counts (nil: nearest).
        public var rounding: PulseRounding?
        /// Finished Table 1 folders to tabulate beside this study.
        public var beside: [Beside]?

        /// A column of the comparison: the finished trials (`runs/<rule>/seed*/summary.json`)
        /// of another Table 1 folder.
        public struct Beside: Codable, Equatable, Sendable {
            /// Column name, e.g. `shared`.
            public var label: String
            /// The folder: absolute, or in a plan relative to the plan folder.
            public var folder: String

            public init(label: String, folder: String) {
                self.label = label
                self.folder = URL(fileURLWithPath: folder).standardizedFileURL.path
            }

            init(label: String, relativeFolder: String) {
                self.label = label
                folder = relativeFolder
            }
        }

        public init(
            data: String, trials: Int, epochs: Int, levels: [Int]? = nil, trainLimit: Int? = nil, testLimit: Int? = nil,
            quantisation: PulseQuantisation? = nil, rounding: PulseRounding? = nil, beside: [Beside]? = nil
        ) {
            self.data = URL(fileURLWithPath: data).standardizedFileURL.path
            self.trials = trials
            self.epochs = epochs
            self.levels = levels
            self.trainLimit = trainLimit
            self.testLimit = testLimit
            self.quantisation = quantisation
            self.rounding = rounding
            self.beside = beside
        }

        /// Refuses impossible values with one line naming the option.
        public func validate() throws {
            try require(trials >= 1, "trials", "must be ≥ 1, got \(trials)")
            try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
            if let levels {
                try require(!levels.isEmpty && levels.allSatisfy(Table1.levels.contains), "levels",
                            "must be a list of \(Table1.levels.map(String.init).joined(separator: ", ")) (0 = continuous)")
                try levels.requireDistinct("levels")
            }
            try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
            try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
            try (beside ?? []).map(\.label).requireDistinct("beside")
            for column in beside ?? [] {
                try require(!column.label.isEmpty && !column.label.contains(","), "beside", "'\(column.label)' is not a column name (empty or with a comma)")
            }
        }

        /// Refuses folders beside that do not exist (checked before planning, while the paths
        /// are still the user's; in a plan they are relative to the plan folder).
        public func checkFoldersBeside() throws {
            for column in beside ?? [] {
                var isFolder: ObjCBool = false
                try require(
                    FileManager.default.fileExists(atPath: column.folder, isDirectory: &isFolder) && isFolder.boolValue, "beside",
                    "\(column.folder) is not a folder")
            }
        }

        /// The cells to run, in the table's order.
        var cells: [Table1.Cell] { Table1.cells.filter { levels?.contains($0.levels) ?? true } }

        /// Whether a trial's configuration has this study's encoding.
        func encodes(like configuration: BackpropConfiguration) -> Bool {
            configuration.quantisation == quantisation ?? .shared && configuration.rounding == rounding ?? .nearest
        }

        /// This study's column name in comparisons: `shared`, `separate`, `shared-floor`, `separate-floor`.
        var variantLabel: String {
            (quantisation ?? .shared).rawValue + ((rounding ?? .nearest) == .nearest ? "" : "-\((rounding ?? .nearest).rawValue)")
        }
    }

    public static let name = "table1"

    public static func runs(_ options: Options) throws -> [SweepRun] {
        try options.validate()
        return SweepRun.perTrial(options.cells, trials: options.trials, id: \.configuration.ruleName) { cell, seed, id in
            var command = TrainCommand(output: "runs/\(id)")
            (command.data, command.method, command.feedback, command.levels, command.epochs, command.seed) =
                (options.data, cell.method, cell.feedback, cell.levels, options.epochs, seed)
            command.threads = 1  // runs run side by side, one core each
            (command.trainLimit, command.testLimit) = (options.trainLimit, options.testLimit)
            (command.quantisation, command.rounding) = (options.quantisation, options.rounding)
            return SweepRun(id: id, command: command, seed: seed)
        }
    }

    public static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool {
        guard let summary = BackpropReport.Summary.read(in: folder), options.encodes(like: summary.configuration) else { return false }
        return summary.epochs == options.epochs
    }

    public static func describe(_ run: SweepRun, folder: String) -> String? {
        BackpropReport.Summary.read(in: folder).map { String(format: "test %.2f %%", 100 * $0.testError) }
    }

    public static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String? {
        RunResultFile.trainingSummaryProblem(in: folder, epochs: options.epochs)
    }

    public static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport {
        var results: [Table1.Cell: [Double]] = [:]
        var histories: [Table1.Cell: [[BackpropEpoch]]] = [:]
        let runs = try Self.runs(options)
        for cell in options.cells {
            for run in runs where run.id.hasPrefix(cell.configuration.ruleName + "/") && finished.contains(run) {
                guard let history = history(in: folder.folder(of: run), epochs: options.epochs), let last = history.last else { continue }
                results[cell, default: []].append(last.testError)
                histories[cell, default: []].append(history)
            }
        }
        let markdown = Table1.markdown(results: results, epochs: options.epochs)
        var files = ["table1.md", "table1.csv"]
        try AtomicFile.write(markdown, to: folder.file("table1.md"))
        try AtomicFile.write(Table1.csv(results: results), to: folder.file("table1.csv"))
        for levels in Table1.levels where options.levels?.contains(levels) ?? true {
            let name = "fig6-\(levels == 0 ? "continuous" : "L\(levels)").svg"
            try AtomicFile.write(Table1.curves(histories: histories, levels: levels), to: folder.file(name))
            files.append(name)
        }
        var text = markdown
        if let beside = options.beside, !beside.isEmpty {
            let rows = Table1.levels.filter { options.levels?.contains($0) ?? true }
            let variants = [Table1.Variant(label: options.variantLabel, results: results)]
                + beside.map {
                    Table1.Variant(label: $0.label, results: finishedResults(in: PlanPath.resolved($0.folder, in: folder.path), epochs: options.epochs))
                }
            let comparison = Table1.comparisonMarkdown(variants, epochs: options.epochs, levels: rows)
            try AtomicFile.write(comparison, to: folder.file("comparison.md"))
            try AtomicFile.write(Table1.comparisonCSV(variants, levels: rows), to: folder.file("comparison.csv"))
            files += ["comparison.md", "comparison.csv"]
            text += "\n" + comparison
        }
        return StudyReport(text: text, files: files.map(folder.file))
    }

    /// Final test errors of the trials of another Table 1 folder that ran `epochs` (any seed).
    private static func finishedResults(in folder: String, epochs: Int) -> [Table1.Cell: [Double]] {
        var results: [Table1.Cell: [Double]] = [:]
        for cell in Table1.cells {
            let ruleFolder = (folder as NSString).appendingPathComponent("runs/\(cell.configuration.ruleName)")
            let seeds = (try? FileManager.default.contentsOfDirectory(atPath: ruleFolder)) ?? []
            for seed in seeds.sorted() {
                if let last = history(in: (ruleFolder as NSString).appendingPathComponent(seed), epochs: epochs)?.last {
                    results[cell, default: []].append(last.testError)
                }
            }
        }
        return results
    }

    /// The history of a run that finished all `epochs`, or nil.
    private static func history(in folder: String, epochs: Int) -> [BackpropEpoch]? {
        guard let summary = BackpropReport.Summary.read(in: folder), summary.epochs == epochs else { return nil }
        return summary.history
    }
}
