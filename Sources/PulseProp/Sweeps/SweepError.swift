/// A plan folder, run or scheduler that cannot be used as asked: one line naming the file or
/// option and the problem.
public struct SweepError: Error, CustomStringConvertible, Equatable {
    /// The file, run or option concerned.
    public let subject: String
    /// What is wrong.
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(subject): \(problem)" }
}
