import Foundation

/// Runs the runs of a plan folder as child `pulseprop` processes, one lock per run.
///
/// Every runner — `sweep run` on this machine, a Slurm array task, a command from
/// `sweep commands` under GNU parallel — goes through ``execute(_:)``, so a run's status means
/// the same whoever ran it. A run is started in the plan folder (its arguments are relative to
/// it); it restarts from its own checkpoint when it was interrupted.
public final class SweepExecutor: @unchecked Sendable {
    /// What became of one request to run a run.
    public enum Outcome: Equatable, Sendable {
        /// It ran and exited 0.
        case done
        /// It ran and failed (exit status, or 128 + signal).
        case failed(exitCode: Int32)
        /// This executor was interrupted while it ran; it stays pending.
        case interrupted
        /// It was finished already.
        case alreadyDone
        /// A live process holds its lock (``OutputLockError/held(folder:pid:lockFile:)``);
        /// every other lock failure is thrown.
        case lockedElsewhere
    }

    /// The plan folder.
    public let folder: SweepFolder
    /// The `pulseprop` executable the runs start.
    public let executable: URL
    /// The lock file in each run folder; held while a runner runs the run. The kernel drops it
    /// when the runner dies, however it dies, so it never goes stale (over NFS, Linux emulates
    /// `flock` with byte-range locks, which NFS servers honour).
    public static let lockFileName = ".sweep.lock"
    /// Lines of standard error kept in a failed run's status.
    public static let stderrTailLines = 20

    private let lock = NSLock()
    private var children: [Process] = []
    private var interrupted = false

    public init(folder: SweepFolder, executable: URL) {
        self.folder = folder
        self.executable = executable
    }

    /// Runs `run` unless it is done or locked by another process, and records its status.
    /// A lock that cannot be tried (``OutputLockError/cannotOpen(folder:path:reason:)``) is thrown.
    public func execute(_ run: SweepRun) throws -> Outcome {
        let runFolder = folder.folder(of: run)
        let statusPath = folder.statusPath(of: run)
        guard !isInterrupted else { return .interrupted }
        guard try folder.status(of: run).state != .done else { return .alreadyDone }
        // A lock file of its own: the run's command may lock its output folder (the same folder).
        let runLock: OutputLock
        do {
            runLock = try OutputLock(folder: runFolder, fileName: Self.lockFileName)
        } catch OutputLockError.held {
            return .lockedElsewhere  // any other lock failure is thrown: the run was not done
        }
        defer { runLock.release() }
        var status = try folder.status(of: run)
        guard status.state != .done else { return .alreadyDone }
        status.state = .running
        status.attempts += 1
        status.host = ProcessInfo.processInfo.hostName
        status.pid = ProcessInfo.processInfo.processIdentifier
        status.started = Date()
        status.finished = nil
        status.exitCode = nil
        status.stderrTail = nil
        try status.write(to: statusPath)

        let exitCode = try launch(run, in: runFolder, attempt: status.attempts)
        status.finished = Date()
        if isInterrupted {
            status.state = .pending
            status.stderrTail = ["interrupted (the runner received a signal); it restarts from its checkpoint"]
            try status.write(to: statusPath)
            return .interrupted
        }
        status.exitCode = exitCode
        if exitCode == 0 {
            if let stdoutFile = run.stdoutFile {
                let target = (runFolder as NSString).appendingPathComponent(stdoutFile)
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.moveItem(atPath: target + ".partial", toPath: target)
            }
            status.state = .done
        } else {
            status.state = .failed
            status.stderrTail = Self.tail(ofFile: (runFolder as NSString).appendingPathComponent("run.log"))
        }
        try status.write(to: statusPath)
        return exitCode == 0 ? .done : .failed(exitCode: exitCode)
    }

    /// Stops every child this executor started (SIGTERM); their runs stay pending.
    public func interrupt() {
        lock.lock()
        interrupted = true
        let running = children
        lock.unlock()
        for child in running where child.isRunning { child.terminate() }
    }

    private var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Starts the child in the plan folder, standard error (and standard output, unless the run
    /// keeps it in a file) appended to `run.log`; returns its exit status.
    private func launch(_ run: SweepRun, in runFolder: String, attempt: Int) throws -> Int32 {
        let logPath = (runFolder as NSString).appendingPathComponent("run.log")
        guard FileManager.default.fileExists(atPath: logPath) || FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else { throw SweepError(logPath, "cannot be written") }
        defer { try? log.close() }
        log.seekToEndOfFile()
        let header = "=== attempt \(attempt) on \(ProcessInfo.processInfo.hostName) at \(ISO8601DateFormatter().string(from: Date())): pulseprop \(run.arguments.joined(separator: " "))\n"
        log.write(Data(header.utf8))

        let process = Process()
        process.executableURL = executable
        process.arguments = run.arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardError = log
        var output: FileHandle?
        if let stdoutFile = run.stdoutFile {
            let partial = (runFolder as NSString).appendingPathComponent(stdoutFile + ".partial")
            guard FileManager.default.createFile(atPath: partial, contents: nil) else { throw SweepError(partial, "cannot be written") }
            output = FileHandle(forWritingAtPath: partial)
            process.standardOutput = output
        } else {
            process.standardOutput = log
        }
        defer { try? output?.close() }
        lock.lock()
        if interrupted {
            lock.unlock()
            return 128 + SIGTERM
        }
        do {
            try process.run()
        } catch {
            lock.unlock()
            log.write(Data("cannot start \(executable.path): \(error.localizedDescription)\n".utf8))
            return 127
        }
        children.append(process)
        lock.unlock()
        process.waitUntilExit()
        lock.lock()
        children.removeAll { $0 === process }
        lock.unlock()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// The last ``stderrTailLines`` non-empty lines of a file.
    static func tail(ofFile path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        return Array(lines.suffix(stderrTailLines))
    }
}
