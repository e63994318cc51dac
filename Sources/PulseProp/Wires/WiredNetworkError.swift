/// Failures of the wired-crossbar solver (``CrossbarNetwork``), each a one-line message.
/// Bad resistances are ``ParameterError``s from ``CrossbarWiring/validate()``; these are
/// what only the assembled network reveals.
public enum WiredNetworkError: Error, CustomStringConvertible, Equatable {
    /// A device conductance that is negative, NaN or infinite.
    case badConductance(row: Int, col: Int, siemens: Double)
    /// The network's reciprocal condition estimate is too small for a trustworthy solution
    /// (e.g. 1e-9 Ω segments on 1 GΩ drivers: the lines nearly float).
    case illConditioned(reciprocalCondition: Double)
    /// The nodal matrix is not positive definite (cannot happen with positive resistances;
    /// a sign of overflowing conductances).
    case notPositiveDefinite(nodes: Int)
    /// CHOLMOD itself failed (memory, status code).
    case solver(String)
    /// The line solver's CG did not reach its tolerance (``CrossbarLineSolver``).
    case notConverged(iterations: Int)

    public var description: String {
        switch self {
        case .badConductance(let row, let col, let g):
            return "wired crossbar: device (\(row), \(col)) has conductance \(g) S; every conductance must be finite and ≥ 0"
        case .illConditioned(let rcond):
            return "wired crossbar: the network is ill-conditioned (reciprocal condition estimate \(rcond) < "
                + "\(CholeskyFactor.minimumReciprocalCondition)); its voltages would be meaningless: check the wire, driver and device resistances"
        case .notPositiveDefinite(let nodes):
            return "wired crossbar: the \(nodes)-node network is not positive definite (conductances out of range?)"
        case .solver(let why):
            return "wired crossbar solver: \(why)"
        case .notConverged(let iterations):
            return "wired crossbar: the line solver did not converge in \(iterations) iterations; check the wire, driver and device resistances"
        }
    }
}
