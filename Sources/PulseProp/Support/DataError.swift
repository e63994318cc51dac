/// A data file or folder that cannot be used, with the reason.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// The file or folder.
    public let path: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error for `path`.
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path) \(problem)" }
}
