import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started with `posix_spawn` in a clean signal state: an empty signal mask and
/// every signal at its default disposition.
///
/// Foundation's `Process` hands the child the mask of the thread that starts it and the
/// dispositions of this process; a runner that starts children from dispatch worker threads
/// (which block signals) while it catches SIGINT and SIGTERM itself (ignored here, delivered
/// through dispatch sources) would start children that Ctrl-C cannot stop. `keep` descriptors
/// stay open in the child (a lock the child must hold as long as it lives, say).
final class SpawnedChild: @unchecked Sendable {
    /// The child's process id.
    let pid: pid_t
    private let lock = NSLock()
    private var reaped = false

    /// How a child ended.
    struct Ending: Equatable, Sendable {
        /// Exit status, or the signal number when `signalled`.
        let status: Int32
        let signalled: Bool
        /// The shell convention: the exit status, or 128 + the signal.
        var code: Int32 { signalled ? 128 + status : status }
    }

    /// Starts `executable` with `arguments` in `folder`, standard input from `/dev/null`,
    /// standard output and error into the descriptors given.
    init(
        executable: String, arguments: [String], folder: String, standardOutput: Int32, standardError: Int32,
        keep: [Int32] = []
    ) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()  // every signal Linux has (1…64) but the two that cannot be caught
        sigemptyset(&defaults)
        for number in Int32(1)..<65 where number != SIGKILL && number != SIGSTOP { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        // dup2 of a descriptor onto itself clears its close-on-exec flag (glibc ≥ 2.29).
        for descriptor in keep { posix_spawn_file_actions_adddup2(&actions, descriptor, descriptor) }
        guard Self.addChangeFolder(&actions, folder) == 0 else {
            throw SpawnError.cannotStart(executable, reason: "this C library cannot change a child's folder")
        }

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw SpawnError.cannotStart(executable, reason: String(cString: strerror(status))) }
        pid = child
    }

    /// Waits for the child to end (once; later calls return at once with the same ending).
    func wait() -> Ending {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        lock.lock()
        reaped = true
        lock.unlock()
        // WIFSIGNALED/WTERMSIG/WEXITSTATUS are macros Swift cannot see.
        let signal = status & 0x7f
        return signal != 0 ? Ending(status: signal, signalled: true) : Ending(status: (status >> 8) & 0xff, signalled: false)
    }

    /// Sends `signal` to the child unless it has been reaped (its id may belong to another
    /// process by then).
    func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if !reaped { kill(pid, signal) }
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc ≥ 2.29), which Swift's Glibc module does not
    /// show; found at run time.
    private static func addChangeFolder(_ actions: inout posix_spawn_file_actions_t, _ folder: String) -> Int32 {
        typealias AddChangeFolder = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return -1 }
        return unsafeBitCast(symbol, to: AddChangeFolder.self)(&actions, folder)
    }
}

/// Why a child could not be started.
enum SpawnError: Error, CustomStringConvertible, Equatable {
    case cannotStart(String, reason: String)

    var description: String {
        switch self {
        case .cannotStart(let executable, let reason): return "cannot start \(executable): \(reason)"
        }
    }
}
