/// Why a plan folder, run or scheduler cannot be used as asked. The cases are the causes callers
/// tell apart (e.g. `sweep run` collects what finished after ``runsFailed(folder:count:example:)``
/// or ``interrupted(folder:)``, nothing after a folder that is not a plan); every message is
/// here, one line naming the file, run or option.
public enum SweepError: Error, CustomStringConvertible, Equatable {
    /// No `plan.json` in the folder.
    case notAPlanFolder(String)
    /// `plan.json` (or a run's `run.json`) that does not decode.
    case notAPlan(path: String, reason: String)
    /// A plan written in another layout version.
    case otherPlanFormat(path: String, found: Int, expected: Int)
    /// A plan whose options the study cannot read.
    case unreadableOptions(path: String, reason: String)
    /// Planning a study into a folder that holds a plan of another study.
    case otherStudy(folder: String, existing: String, requested: String)
    /// A plan whose run ids are not plain names below `runs/`, or repeat.
    case badRunID(plan: String, problem: String)
    /// A `status.json` that does not decode.
    case notAStatusFile(path: String, reason: String)
    /// A study name the registry does not know.
    case unknownStudy(name: String, known: [String])
    /// A run id the plan does not have.
    case unknownRun(id: String, folder: String)
    /// A task list that cannot be read, or has no line `index`.
    case taskList(path: String, problem: String)
    /// A file of a run that cannot be created or written.
    case cannotWrite(String)
    /// One run, started here, failed.
    case runFailed(id: String, exitCode: Int32, log: String)
    /// One run was interrupted while it ran here; it stays pending.
    case runInterrupted(id: String)
    /// The local runner was interrupted; unfinished runs stay pending.
    case interrupted(folder: String)
    /// Runs of a local sweep failed.
    case runsFailed(folder: String, count: Int, example: String)
    /// Runs of a local sweep were stopped by a signal from outside the runner.
    case runsStopped(folder: String, count: Int, example: String)
    /// The scheduler's submit command failed.
    case scheduler(command: String, problem: String)

    public var description: String {
        switch self {
        case .notAPlanFolder(let path): return "\(path): is not a plan folder (no plan.json); write one with 'pulseprop sweep plan'"
        case .notAPlan(let path, let reason): return "\(path): is not a sweep plan (\(reason))"
        case .otherPlanFormat(let path, let found, let expected):
            return "\(path): was written in plan format \(found); this pulseprop reads format \(expected) (plan it again)"
        case .unreadableOptions(let path, let reason): return "\(path): has options this study cannot read (\(reason))"
        case .otherStudy(let folder, let existing, let requested):
            return "\(folder): holds a plan of study '\(existing)', not '\(requested)'; choose another folder"
        case .badRunID(let plan, let problem): return "\(plan): \(problem)"
        case .notAStatusFile(let path, let reason): return "\(path): is not a run status file (\(reason))"
        case .unknownStudy(let name, let known): return "\(name): is not a study; known: \(known.joined(separator: ", "))"
        case .unknownRun(let id, let folder): return "\(id): is not a run of the plan in \(folder)"
        case .taskList(let path, let problem): return "\(path): \(problem)"
        case .cannotWrite(let path): return "\(path): cannot be written"
        case .runFailed(let id, let exitCode, let log): return "\(id): failed with exit status \(exitCode); see \(log)"
        case .runInterrupted(let id): return "\(id): interrupted; it stays pending"
        case .interrupted(let folder):
            return "\(folder): interrupted; unfinished runs stay pending (run the same command again to resume)"
        case .runsFailed(let folder, let count, let example):
            return "\(folder): \(count) run(s) failed, e.g. \(example) (see its line above, runs/\(example)/run.log and 'pulseprop sweep status'; run again to retry)"
        case .runsStopped(let folder, let count, let example):
            return "\(folder): \(count) run(s) were stopped by a signal from outside this runner, e.g. \(example); they stay pending (run again to resume)"
        case .scheduler(let command, let problem): return "\(command): \(problem)"
        }
    }
}
