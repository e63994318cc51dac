import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop sweep run DIR`: runs the unfinished runs here.
struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a plan's unfinished runs on this machine (resumable; one lock per run).")
    @Argument(help: "Plan folder.") var plan: String
    @Option(help: "Runs at once (each single-threaded).") var jobs: Int = 2

    func run() throws { try SweepCLI.runLocally(SweepFolder(plan), jobs: jobs) }
}

/// `pulseprop sweep status DIR`.
struct SweepStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Count a plan's runs by state; list failed runs with their last lines.")
    @Argument(help: "Plan folder.") var plan: String
    @Option(help: "Output format: table (counts and failures), json (the same) or csv (one line per run).")
    var format: OutputFormat = .table

    func run() throws {
        let folder = try StudyRegistry.openPlan(at: plan).folder
        switch format {
        case .table: try StandardOutput.write(try SweepProgress(of: folder).text, terminator: "")
        case .json: try StandardOutput.write(try SnakeCaseJSON.string(SweepProgress(of: folder)))
        case .csv: try StandardOutput.write(try SweepProgress.csv(of: folder), terminator: "")
        }
    }
}

/// `pulseprop sweep collect DIR`.
struct SweepCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect", abstract: "Write the study's tables and plots from the runs that have finished.")
    @Argument(help: "Plan folder.") var plan: String

    func run() throws { try SweepCLI.collect(SweepFolder(plan)) }
}

/// `pulseprop sweep commands DIR`: one shell command per unfinished run.
struct SweepCommands: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commands",
        abstract: "Print one command per unfinished run, e.g. for 'parallel --sshloginfile hosts' over a shared filesystem.")
    @Argument(help: "Plan folder.") var plan: String

    func run() throws {
        let folder = try StudyRegistry.openPlan(at: plan).folder
        let commands = try folder.header().runs.filter { try folder.status(of: $0).state != .done }.map {
            try shellCommandLine([SweepCLI.executable.path, "sweep", "exec", folder.path, "--run", $0.id], parameter: "plan") + "\n"
        }
        try StandardOutput.write(commands.joined(), terminator: "")
    }
}

/// `pulseprop sweep exec DIR`: runs one run (what Slurm array tasks and `sweep commands` call).
struct SweepExec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one run of a plan, by id or as task K of a task list (what array tasks and 'sweep commands' call).")
    @Argument(help: "Plan folder.") var plan: String
    @Option(name: .customLong("run"), help: "Run id.") var runID: String?
    @Option(help: "Task list written by 'sweep slurm' (one run id per line).") var taskList: String?
    @Option(help: "Line of the task list, from 0 ($SLURM_ARRAY_TASK_ID).") var index: Int?

    func run() throws {
        let folder = try StudyRegistry.openPlan(at: plan).folder
        let id = try chosenRun()
        guard let target = try folder.header().runs.first(where: { $0.id == id }) else {
            throw SweepError.unknownRun(id: id, folder: folder.path)
        }
        let executor = SweepExecutor(folder: folder, executable: SweepCLI.executable)
        let stop = SweepCLI.interruptOnSignals(executor)
        let outcome = try executor.execute(target)
        withExtendedLifetime(stop) {}
        switch outcome {
        case .done, .alreadyDone: try StandardOutput.write("\(id): done")
        case .lockedElsewhere: try StandardOutput.write("\(id): another process is running it")
        case .interrupted: throw SweepError.runInterrupted(id: id)
        case .failed(let code): throw SweepError.runFailed(id: id, exitCode: code, log: "\(folder.folder(of: target))/run.log")
        }
    }

    private func chosenRun() throws -> String {
        switch (runID, taskList, index) {
        case (let id?, nil, nil): return id
        case (nil, let list?, let k?):
            guard let text = try? String(contentsOfFile: list, encoding: .utf8) else { throw SweepError.taskList(path: list, problem: "cannot be read") }
            let ids = text.split(separator: "\n").map(String.init)
            guard ids.indices.contains(k) else { throw SweepError.taskList(path: list, problem: "has \(ids.count) runs; there is no task \(k)") }
            return ids[k]
        default:
            throw ParameterError("run", "give either --run ID or both --task-list FILE and --index K")
        }
    }
}
