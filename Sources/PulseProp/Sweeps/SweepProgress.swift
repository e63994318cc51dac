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

    /// Where one run stands, as `sweep status` counts it: its recorded state, except that a run
    /// marked running whose lock nobody holds is interrupted, and a finished run whose result
    /// cannot be read is broken.
    enum Standing: String {
        case done, running, pending, interrupted, failed, broken
    }

    /// Every run of the plan in `folder` with its status and standing, and the broken runs.
    static func standings(of folder: SweepFolder) throws
        -> (header: SweepPlanHeader, runs: [(run: SweepRun, status: RunStatus, standing: Standing)], broken: [BrokenRun])
    {
        let header = try folder.header()
        let broken = try brokenRuns(in: folder, study: header.study)
        let runs = try header.runs.map { run -> (run: SweepRun, status: RunStatus, standing: Standing) in
            let status = try folder.status(of: run)
            let standing: Standing
            switch status.state {
            case .done: standing = broken.contains { $0.id == run.id } ? .broken : .done
            case .pending: standing = .pending
            case .failed: standing = .failed
            case .running:
                standing = OutputLock.isHeld(folder: folder.folder(of: run), fileName: SweepExecutor.lockFileName) ? .running : .interrupted
            }
            return (run, status, standing)
        }
        return (header, runs, broken)
    }

    /// Reads every run's status in `folder`.
    public init(of folder: SweepFolder) throws {
        let (header, runs, broken) = try Self.standings(of: folder)
        study = header.study
        total = header.runs.count
        brokenRuns = broken
        self.broken = broken.count
        func count(_ standing: Standing) -> Int { runs.filter { $0.standing == standing }.count }
        (done, running, pending, interrupted, failed) = (count(.done), count(.running), count(.pending), count(.interrupted), count(.failed))
        failures = runs.filter { $0.standing == .failed }.map {
            Failure(id: $0.run.id, exitCode: $0.status.exitCode, reason: $0.status.failureReason, stderrTail: $0.status.stderrTail ?? [])
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
        let (_, runs, broken) = try standings(of: folder)
        var table = CSVTable(header: ["id", "state", "attempts", "exit_code", "signal", "reason"])
        for (run, status, standing) in runs {
            let reason = switch standing {
            case .failed: status.failureReason
            case .broken: broken.first { $0.id == run.id }?.reason ?? ""
            default: ""
            }
            table.append([
                run.id, standing.rawValue, status.attempts, status.exitCode.map(String.init) ?? "", status.signal.map(String.init) ?? "", reason,
            ])
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
