import Foundation

/// A study: a grid of independent `pulseprop` runs and the tables and plots made from them.
///
/// A study expands its options into runs (``runs(_:)``); a runner executes them
/// (``SweepExecutor``); ``collect(_:finished:in:)`` turns whatever has finished into the study's
/// files, so partial results are useful. Studies are listed in ``StudyRegistry``.
public protocol Study {
    /// Options of the study, stored in `plan.json` with their paths relative to the plan folder.
    associatedtype Options: PlanOptions

    /// The name used by `pulseprop sweep plan NAME`.
    static var name: String { get }

    /// The runs, each writing only inside its own folder.
    static func runs(_ options: Options) throws -> [SweepRun]

    /// Whether a run folder already holds the run's complete output (written before plans
    /// existed, or by hand): such runs are marked done when planned.
    static func isComplete(_ run: SweepRun, folder: String, options: Options) -> Bool

    /// Writes the study's tables and plots into the plan folder from the finished runs and
    /// returns what to print.
    static func collect(_ options: Options, finished: [SweepRun], in folder: SweepFolder) throws -> StudyReport

    /// One line on a finished run for progress output (e.g. its test error), if there is one.
    static func describe(_ run: SweepRun, folder: String) -> String?

    /// Why the result of a run that finished cannot be collected (its result file missing,
    /// truncated, invalid or from another configuration), or nil when it can.
    static func unreadableResult(_ run: SweepRun, folder: String, options: Options) -> String?
}

extension Study {
    public static func describe(_ run: SweepRun, folder: String) -> String? { nil }

    /// Expands `options` into runs and writes the plan into `folder` (see ``SweepFolder/write(_:isComplete:)``).
    @discardableResult
    public static func plan(_ options: Options, into folder: SweepFolder) throws -> SweepPlan<Options> {
        let options = options.relative(to: folder.path)
        let plan = SweepPlan(study: name, options: options, runs: try runs(options))
        try PulseProp.requireDistinct(plan.runs.map(\.id), "study \(name)") { "run '\($0)'" }
        try folder.write(plan) { run, runFolder in isComplete(run, folder: runFolder, options: options) }
        return plan
    }

    /// Adopts the runs of the plan in `folder` that have no status yet, using this study's
    /// ``isComplete(_:folder:options:)`` (see ``SweepFolder/adoptRunsWithoutStatus(isComplete:)``).
    public static func adoptRunsWithoutStatus(planIn folder: SweepFolder) throws {
        let options = try folder.plan(Options.self).options
        try folder.adoptRunsWithoutStatus { run, runFolder in isComplete(run, folder: runFolder, options: options) }
    }

    /// Collects the study planned in `folder` (reading its options from `plan.json`); finished
    /// runs whose result cannot be read are left out and listed in the report.
    public static func collect(planIn folder: SweepFolder) throws -> StudyReport {
        let plan = try folder.plan(Options.self)
        let broken = try brokenRuns(of: plan.options, in: folder)
        let usable = try folder.finishedRuns().filter { run in !broken.contains { $0.id == run.id } }
        var report = try collect(plan.options, finished: usable, in: folder)
        report.brokenRuns = broken
        return report
    }

    /// The runs of the plan in `folder` that finished but whose result cannot be read.
    public static func brokenRuns(planIn folder: SweepFolder) throws -> [BrokenRun] {
        try brokenRuns(of: folder.plan(Options.self).options, in: folder)
    }

    private static func brokenRuns(of options: Options, in folder: SweepFolder) throws -> [BrokenRun] {
        try folder.finishedRuns().compactMap { run in
            unreadableResult(run, folder: folder.folder(of: run), options: options).map { BrokenRun(id: run.id, reason: $0) }
        }
    }

    /// Each cell's results: `read` of every finished run whose id is the cell's `id` and a
    /// seed (`<cell>/seed<S>`), where it gives one.
    static func results<Cell: Hashable, Result>(
        of cells: [Cell], id: (Cell) -> String, options: Options, finished: [SweepRun], in folder: SweepFolder,
        read: (SweepRun, String) -> Result?
    ) throws -> [Cell: [Result]] {
        let planned = try runs(options)
        var results: [Cell: [Result]] = [:]
        for cell in cells {
            for run in planned where run.id.hasPrefix(id(cell) + "/") && finished.contains(run) {
                if let result = read(run, folder.folder(of: run)) { results[cell, default: []].append(result) }
            }
        }
        return results
    }

    /// ``describe(_:folder:)`` for a run of the plan in `folder`.
    public static func describe(_ run: SweepRun, in folder: SweepFolder) -> String? {
        describe(run, folder: folder.folder(of: run))
    }
}

/// What `collect` made: the text to print (a table) and the files it wrote.
public struct StudyReport: Sendable {
    public var text: String
    public var files: [String]
    /// Finished runs left out because their result could not be read.
    public var brokenRuns: [BrokenRun] = []

    public init(text: String, files: [String]) {
        self.text = text
        self.files = files
    }
}

extension StudyReport {
    /// Writes a study's table as `<name>.md`, `<name>.csv` and `<name>.svg` in `folder`, each
    /// atomically, and reports them with the Markdown as the text.
    public static func written(markdown: String, csv: String, svg: String, name: String, in folder: SweepFolder) throws -> StudyReport {
        let files = [("md", markdown), ("csv", csv), ("svg", svg)].map { ("\(name).\($0.0)", $0.1) }
        for (file, text) in files { try AtomicFile.write(text, to: folder.file(file)) }
        return StudyReport(text: markdown, files: files.map { folder.file($0.0) })
    }
}

/// A run that finished (exit 0) but whose result file cannot be read, and why.
public struct BrokenRun: Codable, Equatable, Sendable {
    public var id: String
    public var reason: String
}

/// A run's result file read for collecting, with the reason when it cannot be used.
enum RunResultFile {
    /// Why `name` in `folder` cannot be used: missing, not valid JSON of `type`, or what
    /// `check` says of its contents; nil when it can.
    static func problem<T: Decodable>(in folder: String, _ name: String, as type: T.Type, check: (T) -> String? = { _ in nil }) -> String? {
        guard let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(name)) else {
            return "\(name) is missing"
        }
        do {
            return check(try SnakeCaseJSON.decode(T.self, from: data))
        } catch {
            return "\(name) is not valid (\(SnakeCaseJSON.reason(error)))"
        }
    }

    /// `summary.json` of a training run, which must cover `epochs` epochs.
    static func trainingSummaryProblem(in folder: String, epochs: Int) -> String? {
        problem(in: folder, "summary.json", as: BackpropReport.Summary.self) {
            $0.epochs == epochs ? nil : "summary.json covers \($0.epochs) epochs, the plan \(epochs)"
        }
    }
}

/// Every study `pulseprop sweep` knows, by name.
public enum StudyRegistry {
    public static let studies: [any Study.Type] = [Table1Study.self, WireSweepStudy.self, WireTrainingStudy.self, DevicesStudy.self, BeliefNetStudy.self, WiresStudy.self]

    /// The plan folder at `path` and its study, with the runs that have no status adopted
    /// (``Study/adoptRunsWithoutStatus(planIn:)``): what every command on an existing plan
    /// folder opens it with, so a committed study resumes where it stopped.
    public static func openPlan(at path: String) throws -> (folder: SweepFolder, study: any Study.Type) {
        let folder = SweepFolder(path)
        let study = try study(named: folder.header().study)
        try study.adoptRunsWithoutStatus(planIn: folder)
        return (folder, study)
    }

    /// The study called `name`, or a one-line error listing the known ones.
    public static func study(named name: String) throws -> any Study.Type {
        guard let study = studies.first(where: { $0.name == name }) else {
            throw SweepError.unknownStudy(name: name, known: studies.map { $0.name })
        }
        return study
    }
}
