/// The linear solver ngspice uses for every transient and operating point (`--solver`).
///
/// KLU (SuiteSparse's sparse LU, in ngspice ≥ 42 builds that include it) factorises a wired
/// crossbar's matrix several times faster than ngspice's own Sparse 1.3; both solve the same
/// equations, so final states agree to rounding (tested within 1e-9 of the state range).
public enum SpiceSolver: String, CaseIterable, Codable, Sendable {
    /// KLU where the loaded ngspice has it, else Sparse 1.3.
    case auto
    /// KLU; an error naming the missing capability on an ngspice without it.
    case klu
    /// ngspice's Sparse 1.3 (the only solver of ngspice 39.3).
    case sparse

    /// The solver used on an ngspice with `capabilities`; `.klu` there without KLU throws.
    func resolved(for capabilities: NgspiceCapabilities) throws -> SpiceSolver {
        switch self {
        case .auto: return capabilities.hasKLU ? .klu : .sparse
        case .sparse: return .sparse
        case .klu:
            guard capabilities.hasKLU else { throw SpiceError.capabilityMissing(.klu, ngspice: capabilities.version) }
            return .klu
        }
    }

    /// The `.options` line that selects this solver (nil for `auto`).
    var optionsLine: String? {
        switch self {
        case .auto: return nil
        case .klu: return ".options klu"
        case .sparse: return ".options sparse"
        }
    }
}
