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
    /// Failed runs with the last lines they printed.
    public var failures: [Failure]

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
        for run in header.runs {
            let status = try folder.status(of: run)
            switch status.state {
            case .done: done += 1
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
    /// each failure with its last line.
    public var text: String {
        var out = "\(study): \(total) runs — \(done) done, \(running) running, \(pending) pending, \(interrupted) interrupted, \(failed) failed\n"
        for f in failures {
            out += "  failed \(f.id) (exit \(f.exitCode.map(String.init) ?? "?")): \(f.reason)\n"
        }
        return out
    }
}
