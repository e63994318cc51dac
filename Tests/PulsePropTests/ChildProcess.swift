import Foundation
import XCTest

/// A program run to completion by a test, with a deadline.
///
/// Started with `posix_spawn` and reaped with `waitpid`, with output in temporary files, because
/// Foundation's `Process` learns of a child's exit from the end of a socket and a pipe, and a
/// daemon the child starts (munged, slurmctld) inherits both: the test would wait for ever on a
/// child that has long exited. Files also cannot fill up and stall a chatty child. A child
/// still running at the deadline is killed and the test fails, naming the command.
struct ChildProcess {
    /// Exit status, or the number of the signal that ended the child (then `signalled`).
    let status: Int32
    let signalled: Bool
    let stdout: String
    let stderr: String

    /// Runs `executable` with `arguments` in `directory` (default: this process's folder), its
    /// standard output into the file `standardOutput` (e.g. `/dev/full`) when given, else captured.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL? = nil, standardOutput: String? = nil,
        timeout: TimeInterval = 900, file: StaticString = #filePath, line: UInt = #line
    ) throws -> ChildProcess {
        if let directory {  // glibc's addchdir_np is not visible to Swift: let a shell change folder
            return try run(URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && exec \"$@\"", directory.path, executable.path] + arguments,
                           standardOutput: standardOutput, timeout: timeout, file: file, line: line)
        }
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable.path)"])
        }
        var wait: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while waitpid(pid, &wait, WNOHANG) == 0 {
            guard Date() < deadline else {
                kill(pid, SIGKILL)
                waitpid(pid, &wait, 0)
                XCTFail("\(executable.lastPathComponent) \(arguments.joined(separator: " ")) still ran after \(Int(timeout)) s and was killed", file: file, line: line)
                break
            }
            usleep(10_000)
        }
        let signal = wait & 0x7f
        return ChildProcess(
            status: signal == 0 ? (wait >> 8) & 0xff : signal, signalled: signal != 0,
            stdout: String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// Runs `command` in `/bin/sh -c`.
    static func shell(_ command: String, timeout: TimeInterval = 900, file: StaticString = #filePath, line: UInt = #line) throws -> ChildProcess {
        try run(URL(fileURLWithPath: "/bin/sh"), ["-c", command], timeout: timeout, file: file, line: line)
    }
}
