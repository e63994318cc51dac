import Foundation

/// Runs an external program to completion and collects what it printed (stdout and stderr
/// together), for the tools PulseProp drives: the ngspice program, the Verilog-A compiler.
struct ProgramRun {
    /// Exit status (or the signal number, when `signalled`).
    let status: Int32
    /// Whether the program was ended by a signal.
    let signalled: Bool
    /// Standard output and standard error, interleaved as written.
    let output: String

    var succeeded: Bool { status == 0 && !signalled }

    /// Runs `program` (a path, or a name looked up on `PATH`) with `arguments` in `folder`;
    /// `environment` entries are added to this process's environment. Throws only when the
    /// program cannot be started.
    static func run(
        _ program: String, arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]
    ) throws -> ProgramRun {
        let process = Process()
        process.currentDirectoryURL = folder
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ProgramRun(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            output: String(decoding: data, as: UTF8.self))
    }

    /// The first executable file called `name` in a folder of `PATH`.
    static func onPath(_ name: String) -> String? {
        let folders = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return folders.split(separator: ":").map { "\($0)/\(name)" }.first(where: FileManager.default.isExecutableFile(atPath:))
    }

    /// The last `count` non-empty lines of the output joined by ` | `.
    func tail(_ count: Int) -> String {
        output.split(separator: "\n").suffix(count).joined(separator: " | ")
    }

    /// How the program ended, e.g. `exited with status 1` or `was killed by signal 9`.
    var ending: String { signalled ? "was killed by signal \(status)" : "exited with status \(status)" }
}

/// Where PulseProp keeps files it derives and may rebuild at any time (compiled Verilog-A):
/// `$PULSEPROP_CACHE_DIR`, else `$XDG_CACHE_HOME/pulseprop`, else `~/.cache/pulseprop`.
enum PulsePropCache {
    static var folder: URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PULSEPROP_CACHE_DIR"], !path.isEmpty { return URL(fileURLWithPath: path) }
        if let path = environment["XDG_CACHE_HOME"], !path.isEmpty {
            return URL(fileURLWithPath: path).appendingPathComponent("pulseprop")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/pulseprop")
    }

    /// The checkout this library was compiled from (where `scripts/` put their builds).
    static var checkout: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// A 128-bit FNV-1a digest in hex: a content key for cache files (not a security hash).
enum ContentKey {
    static func of(_ parts: [String]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x6c62_272e_07bb_0142
        for part in parts {
            for byte in part.utf8 + [0] {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 ^ (b >> 29)
            }
        }
        return String(format: "%016llx%016llx", a, b)
    }
}
