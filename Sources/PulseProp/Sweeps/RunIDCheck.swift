/// The run ids of a plan read from disk must be unique: each names a folder below `runs/`, and
/// two runs in one folder would overwrite each other. (Each id is a plain name already: a run
/// whose id is not refuses to decode, ``SweepRun/problem(withID:)``.)
enum RunIDCheck {
    /// Throws a one-line ``SweepError`` naming `file` and the first id listed twice.
    static func check(_ runs: [SweepRun], file: String) throws {
        var seen = Set<String>()
        for run in runs where !seen.insert(run.id).inserted {
            throw SweepError.badRunID(plan: file, problem: "lists the run '\(run.id)' twice")
        }
    }
}
