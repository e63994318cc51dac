/// A parameter or input that makes the requested work impossible, found before any simulation.
///
/// The description is one line naming the parameter, so the CLI can print it as it is.
public struct ParameterError: Error, CustomStringConvertible, Equatable {
    /// The parameter's name as the user knows it (a property or a CLI option).
    public let parameter: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error for `parameter` with the explanation `problem`.
    public init(_ parameter: String, _ problem: String) {
        self.parameter = parameter
        self.problem = problem
    }

    public var description: String { "invalid \(parameter): \(problem)" }
}

/// Throws a ``ParameterError`` for `parameter` unless `condition` holds.
@inlinable
public func require(_ condition: Bool, _ parameter: String, _ problem: @autoclosure () -> String) throws {
    if !condition { throw ParameterError(parameter, problem()) }
}
