import Foundation

/// A Slurm job-array batch script for a plan's unfinished runs: array task `k` runs the
/// `k`-th line of a task list through `pulseprop sweep exec`, which takes the run's lock and
/// records its status, so a re-submission after failures runs only what is unfinished.
public struct SlurmScript: Sendable {
    /// Partition (`--partition`), or the cluster's default.
    public var partition: String?
    /// Wall-clock limit per array task, Slurm's `[D-]HH:MM:SS` (or `MM`, `MM:SS`, `D-HH`, `D-HH:MM`).
    public var time: String?
    /// CPUs per array task (each run is single-threaded unless its command says otherwise).
    public var cpusPerTask: Int
    /// Array tasks running at once (`%N`), or unlimited.
    public var maxParallel: Int?

    public init(partition: String? = nil, time: String? = nil, cpusPerTask: Int = 1, maxParallel: Int? = nil) {
        self.partition = partition
        self.time = time
        self.cpusPerTask = cpusPerTask
        self.maxParallel = maxParallel
    }

    /// Refuses values Slurm would reject, with one line naming the option.
    public func validate() throws {
        if let partition {
            try require(!partition.isEmpty && partition.allSatisfy { $0.isLetter || $0.isNumber || "-_.,".contains($0) },
                        "partition", "'\(partition)' is not a partition name")
        }
        if let time {
            let pattern = #"^(\d+-)?\d+(:\d{1,2}){0,2}$"#
            try require(time.range(of: pattern, options: .regularExpression) != nil, "time",
                        "'\(time)' is not a Slurm time limit (HH:MM:SS, MM, MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)")
        }
        try require(cpusPerTask >= 1, "cpus-per-task", "must be ≥ 1, got \(cpusPerTask)")
        try require((maxParallel ?? 1) >= 1, "max-parallel", "must be ≥ 1")
    }

    /// The batch script for `taskCount` array tasks reading run ids from `taskList`; logs go
    /// to `logFolder/<job>_<task>.out`.
    ///
    /// Paths are quoted for where they go: single quotes in the shell lines, sbatch's own double
    /// quotes in `#SBATCH` lines (sbatch splits those at spaces and ends them at an unquoted `#`;
    /// a `%` of the log folder is doubled so Slurm does not expand it). A control character in
    /// any of them, or a backslash in the log folder (which turns off Slurm's `%A_%a` patterns),
    /// is refused with one line naming the path: it could not be written faithfully.
    public func render(study: String, executable: String, plan: String, taskList: String, taskCount: Int, logFolder: String) throws -> String {
        precondition(taskCount >= 1)
        for path in [plan, taskList, logFolder, executable, study] {
            try ControlCharacters.refuse(in: path, "plan", because: "it would split the batch script's lines")
        }
        try require(
            !logFolder.contains("\\"), "plan",
            "'\(logFolder)' contains a backslash, which Slurm's --output cannot take; rename the folder")
        var lines = [
            "#!/bin/bash",
            "# PulseProp sweep '\(study)': \(taskCount) array task(s), one per unfinished run of \(plan).",
            "# Written by 'pulseprop sweep slurm'; submit with sbatch, or run 'pulseprop sweep slurm --submit' again",
            "# after failures (it lists only unfinished runs).",
            "#SBATCH --job-name=" + Self.sbatchQuoted("pulseprop-\(study)"),
            "#SBATCH --array=0-\(taskCount - 1)" + (maxParallel.map { "%\($0)" } ?? ""),
            "#SBATCH --output=" + Self.sbatchQuoted(logFolder.replacingOccurrences(of: "%", with: "%%") + "/%A_%a.out"),
            "#SBATCH --cpus-per-task=\(cpusPerTask)",
        ]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines += [
            "set -euo pipefail",
            "exec \(shellQuoted(executable)) sweep exec \(shellQuoted(plan)) --task-list \(shellQuoted(taskList)) --index \"$SLURM_ARRAY_TASK_ID\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one argument of an `#SBATCH` line: in double quotes, with `"` and `\`
    /// escaped by a backslash (sbatch's own rules; it does no other shell processing).
    static func sbatchQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
