/// A file that could not be written, with the system's reason (what ``AtomicFile`` throws).
public struct WriteError: Error, CustomStringConvertible, Equatable {
    /// The file.
    public let path: String
    /// Why not, as the system says.
    public let reason: String

    /// Creates an error for `path`.
    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path) cannot be written: \(reason)" }
}
