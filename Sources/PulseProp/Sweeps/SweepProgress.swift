import Foundation

/// Counts of a plan's runs by state, with runs marked running but whose lock nobody holds
/// (their runner died) counted as interrupted.
public struct SweepProgress: Codable, Equatable, Sendable {
    public var study: String
    public var total: Int
    public var done: Int
    public var running: Int
    public var pending: Int
    public var interrupted: Int
    public var failed: Int
    /// Runs that finished but whose result cannot be read (not counted as done; `collect`
    /// leaves them out).
    public var broken: Int
    /// Failed runs with the last lines they printed.
    public var failures: [Failure]
    /// The broken runs, each with what is wrong with its result.
    public var brokenRuns: [BrokenRun]

    /// A failed run.
    public struct Failure: Codable, Equatable, Sendable {
        public var id: String
        public var exitCode: Int32?
        /// The line of its output that says most (see ``RunStatus/failureReason``).
        public var reason: String
        public var stderrTail: [String]
    }

    /// Reads every run's status in `folder`.
    public init(of folder: SweepFolder) throws {
        let header = try folder.header()
        study = header.study
        total = header.runs.count
        (done, running, pending, interrupted, failed) = (0, 0, 0, 0, 0)
        failures = []
        brokenRuns = try Self.brokenRuns(in: folder, study: header.study)
        broken = brokenRuns.count
        for run in header.runs {
            let status = try folder.status(of: run)
            switch status.state {
            case .done: if !brokenRuns.contains(where: { $0.id == run.id }) { done += 1 }
            case .pending: pending += 1
            case .failed:
                failed += 1
                failures.append(Failure(id: run.id, exitCode: status.exitCode, reason: status.failureReason, stderrTail: status.stderrTail ?? []))
            case .running:
                if OutputLock.isHeld(folder: folder.folder(of: run), fileName: SweepExecutor.lockFileName) {
                    running += 1
                } else {
                    interrupted += 1
                }
            }
        }
    }

    /// `table1: 120 runs — 80 done, 2 running, 30 pending, 0 interrupted, 8 failed`, then
    /// each failure with its last line and each broken run with what is wrong.
    public var text: String {
        var out = "\(study): \(total) runs — \(done) done, \(running) running, \(pending) pending, \(interrupted) interrupted, \(failed) failed"
        out += (broken > 0 ? ", \(broken) broken" : "") + "\n"
        for f in failures {
            out += "  failed \(f.id): \(f.reason)\n"
        }
        for b in brokenRuns {
            out += "  broken \(b.id): finished, but \(b.reason) (delete its status.json to run it again)\n"
        }
        return out
    }

    /// One CSV line per run: `id,state,attempts,exit_code,signal,reason`, where state is one of
    /// the counted ones (done, running, pending, interrupted, failed, broken).
    public static func csv(of folder: SweepFolder) throws -> String {
        let header = try folder.header()
        let broken = try brokenRuns(in: folder, study: header.study)
        var table = CSVTable(header: ["id", "state", "attempts", "exit_code", "signal", "reason"])
        for run in header.runs {
            let status = try folder.status(of: run)
            var state = status.state.rawValue
            var reason = status.state == .failed ? status.failureReason : ""
            if let b = broken.first(where: { $0.id == run.id }) {
                (state, reason) = ("broken", b.reason)
            } else if status.state == .running, !OutputLock.isHeld(folder: folder.folder(of: run), fileName: SweepExecutor.lockFileName) {
                state = "interrupted"
            }
            table.append([run.id, state, status.attempts, status.exitCode.map(String.init) ?? "", status.signal.map(String.init) ?? "", reason])
        }
        return try table.text()
    }

    /// Finished runs whose result cannot be read; none for a plan of a study this build does not
    /// know (its runs can still be counted).
    private static func brokenRuns(in folder: SweepFolder, study name: String) throws -> [BrokenRun] {
        guard let study = try? StudyRegistry.study(named: name) else { return [] }
        return try study.brokenRuns(planIn: folder)
    }
}
