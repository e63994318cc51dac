import Foundation

/// The output folder of a training run (`train`, `dbn train`, `eqprop train`): locked for the
/// run's lifetime (``OutputLock``) and never silently reused. A folder that holds an earlier
/// run's checkpoint is refused unless the run continues it (`--resume`) or replaces it
/// (`--overwrite`); `--resume` without a checkpoint starts afresh, so a sweep can pass it to
/// every run.
public enum RunFolder {
    /// Refuses `--resume` with `--overwrite` (a command checks this before loading its data).
    public static func checkFlags(resume: Bool, overwrite: Bool) throws {
        if resume && overwrite { throw RunError.resumeAndOverwrite }
    }

    /// Locks `folder` (creating it) for a run whose checkpoints are the files `checkpoints`
    /// (paths relative to the folder); keep the lock until the run ends. Throws a
    /// ``RunError`` for `--resume` with `--overwrite`, an ``OutputLockError`` or
    /// ``WriteError`` for a folder that cannot be locked or created, and a ``RunError`` naming
    /// the folder when it holds an earlier checkpoint.
    /// A folder with an earlier run's `results` (e.g. `summary.json`, as a study folder keeps
    /// its runs) but none of its checkpoints is refused too unless the run replaces it
    /// (`--overwrite`) or asks to resume (`--resume`, which starts afresh where there is no
    /// checkpoint: what a study's runner passes to a run it found unfinished).
    public static func claim(
        _ folder: String, checkpoints: [String] = ["checkpoint.json"], results: [String] = ["summary.json"], resume: Bool, overwrite: Bool
    ) throws -> OutputLock {
        try checkFlags(resume: resume, overwrite: overwrite)
        let lock = try OutputLock(folder: folder)
        func exists(_ file: String) -> Bool { FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(file)) }
        let earlier = checkpoints.contains(where: exists)
        if !resume, !overwrite, earlier {
            lock.release()
            throw RunError.folderHoldsEarlierRun(folder: folder)
        }
        if !resume, !overwrite, !earlier, let result = results.first(where: exists) {
            lock.release()
            throw RunError.folderHoldsResultsWithoutCheckpoint(folder: folder, file: result)
        }
        return lock
    }
}
