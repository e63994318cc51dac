/// A failure to find an equilibrium, naming the phase and the node.
public struct EqPropError: Error, CustomStringConvertible, Equatable {
    /// The phase whose equilibrium was sought.
    public let phase: String
    /// The node that was furthest from balance (``EqPropNetwork/nodeName(_:)``).
    public let node: String
    /// What went wrong.
    public let problem: String

    public init(phase: EqPropPhase, node: String, problem: String) {
        self.phase = phase.description
        self.node = node
        self.problem = problem
    }

    public var description: String { "no equilibrium in the \(phase) at node \(node): \(problem)" }
}
