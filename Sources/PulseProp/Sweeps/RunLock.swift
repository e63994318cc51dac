import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock on one run (`flock` on `runs/<id>/.lock`), so two runners —
/// two `sweep run` processes, or a Slurm task and a local runner — never run it twice.
///
/// The kernel drops the lock when the holder exits, however it exits, so a lock never goes stale.
/// Over NFS `flock` is emulated with byte-range locks (Linux ≥ 2.6.12), which NFS servers honour.
public final class RunLock {
    private let descriptor: Int32

    /// Takes the lock at `path`, or returns nil at once if another process holds it.
    public init?(path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw SweepError(path, "cannot open the lock file: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
    }

    /// Whether some process holds the lock at `path` now.
    public static func isHeld(at path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
