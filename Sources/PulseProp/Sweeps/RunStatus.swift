import Foundation

/// Where one run stands, kept in `runs/<id>/status.json` and rewritten atomically at every change.
public struct RunStatus: Codable, Equatable, Sendable {
    /// The state of a run.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Not started, or interrupted (it restarts from its checkpoint).
        case pending
        /// A process holds the run's lock and runs it.
        case running
        /// Finished with exit status 0.
        case done
        /// Exited non-zero or was killed; `stderrTail` says why.
        case failed
    }

    public var state: State
    /// How many times the run has been started.
    public var attempts: Int = 0
    /// Exit status of the last attempt (a signal number is reported as 128 + signal).
    public var exitCode: Int32?
    /// The signal that ended the last attempt, if one did.
    public var signal: Int32?
    /// Host and process that ran the last attempt.
    public var host: String?
    public var pid: Int32?
    /// Start and end of the last attempt.
    public var started: Date?
    public var finished: Date?
    /// The last lines the run printed on standard error (kept when it fails).
    public var stderrTail: [String]?

    public init(state: State) {
        self.state = state
    }

    /// Why the last attempt failed: how it ended (exit status or signal) and the last line of
    /// its own output that names an error (a crash's register dump or an earlier attempt's
    /// lines are not taken), else its last line.
    public var failureReason: String {
        let tail = stderrTail ?? []
        let said = tail.last(where: Self.namesError) ?? tail.last ?? ""
        let ending: String
        if let signal {
            ending = "killed by signal \(signal)" + (Self.signalNames[signal].map { " (\($0))" } ?? "")
        } else if let exitCode {
            ending = "exit \(exitCode)"
        } else {
            return said
        }
        return said.isEmpty ? ending : "\(ending): \(said)"
    }

    /// Whether an output line reports an error: PulseProp's and Swift's own error lines.
    static func namesError(_ line: String) -> Bool {
        let text = line.trimmingCharacters(in: .whitespaces)
        return ["Error:", "error:", "Fatal error:", "Program crashed:", "invalid "].contains { text.hasPrefix($0) }
            || text.contains("Fatal error:")
    }

    private static let signalNames: [Int32: String] = [
        SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT",
        SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE", SIGTERM: "SIGTERM",
    ]

    /// Reads `path`; a file that is not a status record is refused with one line naming it.
    public static func read(at path: String) throws -> RunStatus? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try SnakeCaseJSON.decode(RunStatus.self, from: data)
        } catch {
            throw SweepError.notAStatusFile(path: path, reason: SnakeCaseJSON.reason(error))
        }
    }

    /// Writes the record to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(SnakeCaseJSON.encode(self), to: path)
    }
}
