/// Why an ``OutputLock`` could not be taken. Only ``held(folder:pid:lockFile:)`` means another
/// run owns the folder; every other case is a lock that could not be tried at all, which a
/// runner must report instead of skipping the work.
public enum OutputLockError: Error, CustomStringConvertible, Equatable {
    /// A live process holds the lock; `pid` is the one its lock file names, if any.
    case held(folder: String, pid: Int32?, lockFile: String)
    /// The lock file cannot be opened or locked (a folder in its place, permissions, too many
    /// open files, a file system without locks), with the system's reason.
    case cannotOpen(folder: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let folder, let pid, let lockFile):
            let holder = pid.map { "process \($0)" } ?? "another process"
            return "\(folder) is in use by another pulseprop run (\(holder), lock file \(lockFile)); wait for it or choose another output folder"
        case .cannotOpen(let folder, let path, let reason):
            return "\(folder) cannot be locked: lock file \(path): \(reason)"
        }
    }
}
