/// The nudge of the second phase of equilibrium propagation: the current
/// `β·G_on·(A_out·t_o − (V_o+ − V_o−))` into node `o+` of every output and its negative into
/// `o−` (``EqPropNeuron``): the force `−β_S ∂C/∂V` of the cost `C = ½ Σ_o (V_o+ − V_o− − A_out t_o)²`.
public struct EqPropNudge: Equatable, Sendable {
    /// The dimensionless nudging strength `β > 0` (units of the device's ON conductance).
    public let beta: Double
    /// Targets `t_o ∈ [−1, 1]`, one per output.
    public let targets: [Double]

    public init(beta: Double, targets: [Double]) {
        self.beta = beta
        self.targets = targets
    }
}

/// Which equilibrium a solver is asked for; named in convergence errors.
public enum EqPropPhase: Equatable, Sendable, CustomStringConvertible {
    /// Inputs applied, outputs free.
    case free
    /// Outputs nudged toward their targets.
    case nudged(EqPropNudge)

    init(_ nudge: EqPropNudge?) { self = nudge.map(EqPropPhase.nudged) ?? .free }

    public var description: String {
        switch self {
        case .free: return "free phase"
        case .nudged(let n): return "nudged phase (beta \(n.beta))"
        }
    }
}

/// A solver that finds the equilibrium node voltages of an ``EqPropNetwork``.
public protocol EqPropEngine {
    /// Voltages of the free nodes (hidden, then output; ``EqPropNetwork/nodeName(_:)``) at the
    /// equilibrium for `input` (values in `[−1, 1]`), nudged when `nudge` is given; `start` is
    /// a guess (the free equilibrium, for the nudged phase) that the solver may use.
    func equilibrium(of network: EqPropNetwork, input: [Double], nudge: EqPropNudge?, start: [Double]?) throws -> [Double]
}
