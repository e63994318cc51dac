/// The run ids of a plan read from disk: each names a folder below `runs/`, so each must be a
/// relative path of plain components (no `..`, `.`, empty or absolute part) and unique;
/// a hostile or corrupt `plan.json` could otherwise send a runner's writes outside the plan.
enum RunIDCheck {
    /// Throws a one-line ``SweepError`` naming `file` and the first bad id.
    static func check(_ runs: [SweepRun], file: String) throws {
        var seen = Set<String>()
        for run in runs {
            let parts = run.id.split(separator: "/", omittingEmptySubsequences: false)
            guard !run.id.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
                !run.id.contains("\0"), !run.id.contains(where: \.isNewline)
            else {
                throw SweepError(file, "has a run id '\(run.id.debugDescription.dropFirst().dropLast())' that is not a folder below runs/")
            }
            guard seen.insert(run.id).inserted else { throw SweepError(file, "lists the run '\(run.id)' twice") }
        }
    }
}
