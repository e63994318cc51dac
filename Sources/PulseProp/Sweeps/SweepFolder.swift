import Foundation

/// A plan folder: `plan.json`, and per run `runs/<id>/` with `run.json` (its exact command
/// line), `status.json`, a lock file, `run.log` and whatever the run itself writes.
///
/// Runs write only inside their own folder, so a shared filesystem is all that several
/// machines need to work on one plan.
public struct SweepFolder: Sendable {
    /// The folder, absolute.
    public let path: String

    public init(_ path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `plan.json`.
    public var planPath: String { file("plan.json") }

    /// A path inside the folder.
    public func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// The folder of `run`.
    public func folder(of run: SweepRun) -> String { file(run.folder) }

    /// `status.json` of `run`.
    public func statusPath(of run: SweepRun) -> String { (folder(of: run) as NSString).appendingPathComponent("status.json") }

    /// The plan's study-independent part; refuses a missing, corrupt or other-version plan with one line.
    public func header() throws -> SweepPlanHeader {
        guard let data = FileManager.default.contents(atPath: planPath) else {
            throw SweepError.notAPlanFolder(path)
        }
        let header: SweepPlanHeader
        do {
            header = try SnakeCaseJSON.decode(SweepPlanHeader.self, from: data)
        } catch {
            throw SweepError.notAPlan(path: planPath, reason: SnakeCaseJSON.reason(error))
        }
        guard header.formatVersion == SweepPlanHeader.currentFormatVersion else {
            throw SweepError.otherPlanFormat(path: planPath, found: header.formatVersion, expected: SweepPlanHeader.currentFormatVersion)
        }
        try RunIDCheck.check(header.runs, file: planPath)
        return header
    }

    /// The whole plan with the study's options.
    public func plan<Options>(_ options: Options.Type) throws -> SweepPlan<Options> {
        _ = try header()
        do {
            return try SnakeCaseJSON.decode(SweepPlan<Options>.self, from: Data(contentsOf: URL(fileURLWithPath: planPath)))
        } catch {
            throw SweepError.unreadableOptions(path: planPath, reason: SnakeCaseJSON.reason(error))
        }
    }

    /// The status of `run`: its status file, or `pending` if it has none yet.
    public func status(of run: SweepRun) throws -> RunStatus {
        try RunStatus.read(at: statusPath(of: run)) ?? RunStatus(state: .pending)
    }

    /// Runs whose state is `done`.
    public func finishedRuns() throws -> [SweepRun] {
        try header().runs.filter { try status(of: $0).state == .done }
    }

    /// Writes `plan` into the folder. Runs already there with the same command line keep their
    /// status; runs whose command line changed (more epochs, say) become pending again and
    /// continue from whatever their command resumes; a run whose output `isComplete` already
    /// holds (a folder from before plans existed) is marked done.
    public func write<Options>(_ plan: SweepPlan<Options>, isComplete: (SweepRun, String) -> Bool) throws {
        if FileManager.default.fileExists(atPath: planPath) {
            let existing = try header()
            guard existing.study == plan.study else {
                throw SweepError.otherStudy(folder: path, existing: existing.study, requested: plan.study)
            }
        }
        for run in plan.runs {
            let previous = FileManager.default.contents(atPath: runFilePath(of: run)).flatMap { try? SnakeCaseJSON.decode(SweepRun.self, from: $0) }
            if previous == run, try RunStatus.read(at: statusPath(of: run)) != nil { continue }
            try record(run, isComplete: isComplete)
        }
        try AtomicFile.write(SnakeCaseJSON.encode(plan), to: planPath)
    }

    /// Gives every run of the plan that has no `status.json` (a folder committed or copied with
    /// only its runs' results, as `docs/results/` keeps them) its `run.json` and a status: done
    /// when `isComplete` finds its output complete, else pending. Without this a runner would
    /// take those runs for new ones and start them again over their results.
    public func adoptRunsWithoutStatus(isComplete: (SweepRun, String) -> Bool) throws {
        for run in try header().runs where !FileManager.default.fileExists(atPath: statusPath(of: run)) {
            try record(run, isComplete: isComplete)
        }
    }

    /// Writes `run.json` of `run` and its status: done if `isComplete`, else pending (other
    /// fields of an existing status kept).
    private func record(_ run: SweepRun, isComplete: (SweepRun, String) -> Bool) throws {
        try AtomicFile.write(SnakeCaseJSON.encode(run), to: runFilePath(of: run))
        var status = try RunStatus.read(at: statusPath(of: run)) ?? RunStatus(state: .pending)
        status.state = isComplete(run, folder(of: run)) ? .done : .pending
        try status.write(to: statusPath(of: run))
    }

    /// `run.json` of `run`.
    private func runFilePath(of run: SweepRun) -> String { (folder(of: run) as NSString).appendingPathComponent("run.json") }
}
