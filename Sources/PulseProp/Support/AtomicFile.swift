import Foundation

/// Writes every file PulseProp produces: atomically where the target is a regular file, and
/// without ever replacing what is not one.
///
/// - A regular file (or a new path) is written through a temporary file beside it and a
///   rename: a reader sees the old file or the complete new one. Folders are created.
/// - A symbolic link is followed (through every link of a chain) and its target is written
///   the same way; the link stays a link.
/// - A FIFO, character or block device (`/dev/stdout`, `/dev/full`, a named pipe) is opened
///   and written directly: renaming over it would turn a device node into a regular file.
///   A link into `/proc/` is written directly too: it is a process's own descriptor
///   (`/dev/stdout` → `/proc/self/fd/1`), whatever that descriptor is open on.
/// - A folder or a socket is refused.
/// - ``standardOutput`` (`-`) writes to standard output.
///
/// Every failure, including a short write or `ENOSPC` on `/dev/full`, is a ``WriteError``
/// naming the path and the system's reason.
public enum AtomicFile {
    /// The path that means standard output.
    public static let standardOutput = "-"

    /// Whether `path` is this process's standard output (`-`, `/dev/stdout`, `/dev/fd/1`,
    /// `/proc/self/fd/1`), where a "wrote …" message would mix with the file.
    public static func isStandardOutput(_ path: String) -> Bool {
        path == standardOutput || ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].contains(path)
    }

    /// Writes `text` to `path` (see ``AtomicFile``).
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Writes `data` to `path` (see ``AtomicFile``).
    public static func write(_ data: Data, to path: String) throws {
        if path == standardOutput {
            // After anything `print` buffered, whose failure `print` never reported.
            guard fflush(stdout) == 0 else { throw WriteError("standard output", systemReason()) }
            try writeAll(data, to: STDOUT_FILENO, path: "standard output")
            return
        }
        guard !path.isEmpty else { throw WriteError("''", "that is not a file name") }
        let target = try resolveLinks(path)
        if target.hasPrefix("/proc/") {
            try writeDirectly(data, to: target, shownAs: path)
            return
        }
        var info = stat()
        if lstat(target, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: try replace(target, with: data, mode: info.st_mode & 0o7777, shownAs: path)
            case S_IFDIR: throw WriteError(path, "it is a folder; give a file name")
            case S_IFIFO, S_IFCHR, S_IFBLK: try writeDirectly(data, to: target, shownAs: path)
            default: throw WriteError(path, "it is not a regular file, device or pipe")
            }
        } else {
            try createParent(of: target, shownAs: path)
            try replace(target, with: data, mode: nil, shownAs: path)
        }
    }

    /// `path` with every symbolic link of a chain followed (relative targets are taken from
    /// the link's folder); a dangling link gives the path it points to. Stops at `/proc/`,
    /// whose descriptor links name pipes and sockets that are no paths (`pipe:[1234]`).
    static func resolveLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            if current.hasPrefix("/proc/") { return current }
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            let destination = try FileManager.default.destinationOfSymbolicLink(atPath: current)
            current = destination.hasPrefix("/")
                ? destination
                : (ParentFolder.of(current) as NSString).appendingPathComponent(destination)
        }
        throw WriteError(path, "it is a chain of more than 40 symbolic links")
    }

    /// Writes `data` into a temporary file beside `target`, then renames it over `target`.
    /// `mode` keeps an existing file's permissions.
    private static func replace(_ target: String, with data: Data, mode: mode_t?, shownAs path: String) throws {
        let folder = ParentFolder.of(target)
        let name = (target as NSString).lastPathComponent
        let temporary = ((folder.isEmpty ? "." : folder) as NSString)
            .appendingPathComponent(".\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw WriteError(path, systemReason()) }
        do {
            if let mode { fchmod(fd, mode) }
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw WriteError(path, systemReason()) }
            guard close(fd) == 0 else {
                unlink(temporary)
                throw WriteError(path, systemReason())
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let reason = systemReason()
            unlink(temporary)
            throw WriteError(path, reason)
        }
    }

    /// Opens `target` (a device, pipe or process descriptor) and writes `data` to it.
    private static func writeDirectly(_ data: Data, to target: String, shownAs shown: String) throws {
        var info = stat()
        if stat(target, &info) == 0, info.st_mode & S_IFMT == S_IFDIR { throw WriteError(shown, "it is a folder; give a file name") }
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw WriteError(shown, systemReason()) }
        defer { close(fd) }
        try writeAll(data, to: fd, path: shown)
    }

    /// Writes every byte of `data` to `fd`, retrying short writes and interruptions.
    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw WriteError(path, systemReason())
                }
                offset += n
            }
        }
    }

    /// Creates the folders above `target`, naming a path component that is not a folder.
    private static func createParent(of target: String, shownAs path: String) throws {
        try createFolder(ParentFolder.of(target), shownAs: path)
    }

    /// Creates `folder` and the folders above it, naming a path component that is not a folder.
    static func createFolder(_ folder: String, shownAs path: String) throws {
        guard !folder.isEmpty else { return }
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw WriteError(path, "\(folder) is not a folder") }
            return
        }
        guard errno == ENOENT || errno == ENOTDIR else { throw WriteError(path, "\(folder): \(systemReason())") }
        try createFolder(ParentFolder.of(folder), shownAs: path)
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            throw WriteError(path, "folder \(folder) cannot be created (\(systemReason()))")
        }
    }

    /// The C library's description of `errno`.
    static func systemReason() -> String { String(cString: strerror(errno)) }
}
