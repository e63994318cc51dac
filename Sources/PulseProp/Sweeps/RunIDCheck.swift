/// The run ids of a plan read from disk: each names a folder below `runs/`, so each must be a
/// plain name (``SweepRun/problem(withID:)``) and unique; a hostile or corrupt `plan.json`
/// could otherwise send a runner's writes outside the plan or run one folder twice.
enum RunIDCheck {
    /// Throws a one-line ``SweepError`` naming `file` and the first bad id.
    static func check(_ runs: [SweepRun], file: String) throws {
        var seen = Set<String>()
        for run in runs {
            if let problem = SweepRun.problem(withID: run.id) { throw SweepError.badRunID(plan: file, problem: problem) }
            guard seen.insert(run.id).inserted else { throw SweepError.badRunID(plan: file, problem: "lists the run '\(run.id)' twice") }
        }
    }
}
