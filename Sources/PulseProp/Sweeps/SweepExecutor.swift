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
        /// This executor was interrupted while it ran, or the run was stopped by SIGINT, SIGTERM
        /// or SIGHUP; it stays pending.
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
    private var children: [SpawnedChild] = []
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
        status.signal = nil
        status.stderrTail = nil
        try status.write(to: statusPath)

        let ending: SpawnedChild.Ending
        do {
            ending = try launch(run, in: runFolder, attempt: status.attempts, holding: runLock)
        } catch {
            // Never leave a run marked running that nothing runs.
            status.finished = Date()
            status.state = .failed
            status.stderrTail = ["the runner could not start the run: \(error)"]
            try status.write(to: statusPath)
            throw error
        }
        status.finished = Date()
        status.exitCode = ending.code
        status.signal = ending.signalled ? ending.status : nil
        // A run that finished counts as done even when the runner was being stopped meanwhile;
        // one stopped by a signal (Ctrl-C reaches the whole process group, before the runner's
        // own handler may have run) stays pending and restarts from its checkpoint.
        if ending.code != 0 && (isInterrupted || Self.stopSignals.contains(ending.code - 128)) {
            status.state = .pending
            status.stderrTail = ["stopped (\(ending.signalled ? "signal \(ending.status)" : "exit \(ending.code)")); it restarts from its checkpoint"]
            try writeRestoringRunFile(status, of: run)
            return .interrupted
        }
        if ending.code == 0 {
            if let stdoutFile = run.stdoutFile {
                let target = (runFolder as NSString).appendingPathComponent(stdoutFile)
                try? FileManager.default.removeItem(atPath: target)
                try FileManager.default.moveItem(atPath: target + ".partial", toPath: target)
            }
            status.state = .done
        } else {
            status.state = .failed
            status.stderrTail = Self.lastAttempt(ofFile: (runFolder as NSString).appendingPathComponent("run.log"))
        }
        if !FileManager.default.fileExists(atPath: (runFolder as NSString).appendingPathComponent("run.json")) {
            status.state = .failed
            status.stderrTail = (status.stderrTail ?? []) + ["the run's folder was deleted or emptied while it ran; its output is lost"]
        }
        try writeRestoringRunFile(status, of: run)
        return status.state == .done ? .done : .failed(exitCode: ending.code)
    }

    /// Writes `status`, and `run.json` again when it is gone (the run folder was deleted while
    /// the run ran), so the folder still says what the run is.
    private func writeRestoringRunFile(_ status: RunStatus, of run: SweepRun) throws {
        let runFile = (folder.folder(of: run) as NSString).appendingPathComponent("run.json")
        if !FileManager.default.fileExists(atPath: runFile) { try AtomicFile.write(SnakeCaseJSON.encode(run), to: runFile) }
        try status.write(to: folder.statusPath(of: run))
    }

    /// Stops every child this executor started (SIGTERM); their runs stay pending.
    public func interrupt() {
        lock.lock()
        interrupted = true
        let running = children
        lock.unlock()
        for child in running { child.send(SIGTERM) }
    }

    private var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Starts the child in the plan folder, standard error (and standard output, unless the run
    /// keeps it in a file) appended to `run.log`, and waits for it. The child starts with a clean
    /// signal state (``SpawnedChild``) and holds the run's lock too, so a run whose runner was
    /// killed stays locked while its orphaned child lives.
    private func launch(_ run: SweepRun, in runFolder: String, attempt: Int, holding runLock: OutputLock) throws -> SpawnedChild.Ending {
        let logPath = (runFolder as NSString).appendingPathComponent("run.log")
        guard FileManager.default.fileExists(atPath: logPath) || FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else { throw SweepError.cannotWrite(logPath) }
        defer { try? log.close() }
        log.seekToEndOfFile()
        let header = "\(Self.attemptMarker)\(attempt) on \(ProcessInfo.processInfo.hostName) at \(ISO8601DateFormatter().string(from: Date())): pulseprop \(run.arguments.joined(separator: " "))\n"
        log.write(Data(header.utf8))

        var output: FileHandle?
        if let stdoutFile = run.stdoutFile {
            let partial = (runFolder as NSString).appendingPathComponent(stdoutFile + ".partial")
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw SweepError.cannotWrite(partial)
            }
            output = handle
        }
        defer { try? output?.close() }
        lock.lock()
        if interrupted {
            lock.unlock()
            return SpawnedChild.Ending(status: SIGTERM, signalled: true)
        }
        let child: SpawnedChild
        do {
            child = try SpawnedChild(
                executable: executable.path, arguments: run.arguments, folder: folder.path,
                standardOutput: (output ?? log).fileDescriptor, standardError: log.fileDescriptor, keep: [runLock.fileDescriptor])
        } catch {
            lock.unlock()
            log.write(Data("\(error)\n".utf8))
            return SpawnedChild.Ending(status: 127, signalled: false)
        }
        children.append(child)
        lock.unlock()
        let ending = child.wait()
        lock.lock()
        children.removeAll { $0 === child }
        lock.unlock()
        return ending
    }

    /// Signals that stop a run rather than fail it (a child killed by one, or exiting with
    /// 128 + one, is left pending).
    static let stopSignals: Set<Int32> = [SIGINT, SIGTERM, SIGHUP]

    /// How `run.log` marks the start of each attempt.
    static let attemptMarker = "=== attempt "

    /// The last ``stderrTailLines`` non-empty lines the last attempt wrote into `run.log`.
    static func lastAttempt(ofFile path: String) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let start = lines.lastIndex { $0.hasPrefix(attemptMarker) }.map { $0 + 1 } ?? 0
        return Array(lines[start...].suffix(stderrTailLines))
    }
}
