import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop sweep slurm DIR`: a job-array batch script of the unfinished runs, optionally submitted.
struct SweepSlurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slurm",
        abstract: "Write a Slurm job-array script with one array task per unfinished run (and submit it with --submit).",
        discussion: """
            Writes slurm/job-<N>/job.sbatch and its task list into the plan folder; task logs go to \
            slurm/logs/<job>_<task>.out. Run it again after failures: it lists only unfinished runs.
            """)

    @Argument(help: "Plan folder (on a filesystem the compute nodes share).") var plan: String
    @Option(help: "Partition (default: the cluster's default).") var partition: String?
    @Option(help: "Time limit per array task, e.g. 01:00:00.") var time: String?
    @Option(help: "CPUs per array task.") var cpusPerTask: Int = 1
    @Option(help: "Array tasks running at once.") var maxParallel: Int?
    @Flag(help: "Submit the script with sbatch and print the job id.") var submit = false

    func run() throws {
        let script = SlurmScript(partition: partition, time: time, cpusPerTask: cpusPerTask, maxParallel: maxParallel)
        try script.validate()
        let folder = try StudyRegistry.openPlan(at: plan).folder
        let header = try folder.header()
        let unfinished = try header.runs.filter { try folder.status(of: $0).state != .done }
        guard !unfinished.isEmpty else {
            try StandardOutput.write("all \(header.runs.count) runs of \(folder.path) are done; nothing to submit")
            return
        }
        let jobFolder = nextJobFolder(folder)
        let taskList = (jobFolder as NSString).appendingPathComponent("tasks.txt")
        let scriptPath = (jobFolder as NSString).appendingPathComponent("job.sbatch")
        let logs = folder.file("slurm/logs")
        // Rendered first: a path the script cannot hold is refused before anything is written.
        let text = try script.render(
            study: header.study, executable: SweepCLI.executable.path, plan: folder.path,
            taskList: taskList, taskCount: unfinished.count, logFolder: logs)
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try AtomicFile.write(unfinished.map(\.id).joined(separator: "\n") + "\n", to: taskList)
        try AtomicFile.write(text, to: scriptPath)
        try StandardOutput.write("wrote \(scriptPath) (\(unfinished.count) array tasks)")
        if submit { try StandardOutput.write("submitted job \(try sbatch(scriptPath))") }
    }

    /// `slurm/job-<N>` with the first unused N.
    private func nextJobFolder(_ folder: SweepFolder) -> String {
        var n = 1
        while FileManager.default.fileExists(atPath: folder.file("slurm/job-\(n)")) { n += 1 }
        return folder.file("slurm/job-\(n)")
    }

    /// Submits `script`; returns the job id sbatch printed.
    private func sbatch(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable", script]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw SweepError.scheduler(command: "sbatch", problem: "cannot be started: \(error.localizedDescription)") }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = message.split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw SweepError.scheduler(command: "sbatch", problem: process.terminationStatus == 127 ? "not found (is Slurm installed here?)" : reason)
        }
        return output.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? output
    }
}
