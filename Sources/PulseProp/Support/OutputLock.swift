import Foundation

/// An advisory lock on an output folder, so that two runs never write into the same one (and,
/// under another file name, on a sweep run, so that two runners never run it twice).
///
/// The lock file (`.pulseprop.lock` unless named otherwise) in the folder holds the owner's process ID and is locked
/// with `flock` while the owner lives. A second run finds it locked and is refused with the
/// owner's PID. A lock left behind by a run that died is stale: the kernel released its
/// `flock` with the process, so the next run takes it over (``staleOwner`` reports the dead
/// PID). The file is removed when the lock is released.
public final class OutputLock {
    /// Name of the lock file inside the folder.
    public static let fileName = ".pulseprop.lock"

    /// The lock file.
    public let path: String
    /// The process ID a stale lock file named, when this lock replaced one.
    public private(set) var staleOwner: Int32?
    private var descriptor: Int32

    /// Locks `folder` (creating it), or throws an ``OutputLockError``: ``OutputLockError/held(folder:pid:lockFile:)``
    /// naming the process that holds it, or ``OutputLockError/cannotOpen(folder:path:reason:)``
    /// when the lock cannot be tried (a ``WriteError`` when the folder cannot be created).
    public init(folder: String, fileName: String = OutputLock.fileName) throws {
        try AtomicFile.createFolder(folder, shownAs: folder)
        path = (folder as NSString).appendingPathComponent(fileName)
        descriptor = -1
        // Retry when the file was replaced between open and flock (its owner released it).
        for _ in 0..<10 {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw OutputLockError.cannotOpen(folder: folder, path: path, reason: AtomicFile.systemReason()) }
            let previous = Self.owner(fd)
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let held = errno == EWOULDBLOCK
                let reason = AtomicFile.systemReason()
                close(fd)
                throw held
                    ? OutputLockError.held(folder: folder, pid: previous, lockFile: path)
                    : OutputLockError.cannotOpen(folder: folder, path: path, reason: reason)
            }
            var opened = stat()
            var current = stat()
            guard fstat(fd, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino else {
                close(fd)
                continue
            }
            staleOwner = previous
            let text = "\(getpid())\n"
            ftruncate(fd, 0)
            _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
            descriptor = fd
            return
        }
        throw OutputLockError.cannotOpen(folder: folder, path: path, reason: "it keeps being replaced")
    }

    /// The open lock file's descriptor (close-on-exec), e.g. to let a child hold the lock too:
    /// `flock` locks belong to the open file, which a child that keeps the descriptor shares.
    var fileDescriptor: Int32 { descriptor }

    /// Removes the lock file and releases the lock.
    public func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }

    /// Whether a live process holds the lock file `fileName` in `folder` now.
    public static func isHeld(folder: String, fileName: String = OutputLock.fileName) -> Bool {
        let fd = open((folder as NSString).appendingPathComponent(fileName), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    /// The PID written in an open lock file, if any.
    private static func owner(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count - 1, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
