/// The simulator a netlist is written for.
///
/// | | ngspice | Xyce |
/// |---|---|---|
/// | subcircuit parameters | `params: x0=…` | `PARAMS: x0=…` (also on the instance line) |
/// | B-source expression | bare: `I = expr` | in braces: `I={expr}` |
/// | internal node of instance `x1` | `x1.s` | `X1:s` |
/// | initial state | `IC=` on the state capacitor, `.tran … uic` | same (`UIC`) |
/// | final states out | `.control` block prints `state_<dev> = <x>` lines | `.PRINT TRAN FORMAT=CSV`, last row |
///
/// Both use the same equations and numbers; only the ngspice dialect is run by PulseProp
/// (Xyce is not packaged for Debian, so the Xyce export is checked for form, not by a run).
public enum SpiceDialect: String, CaseIterable, Codable, Sendable {
    /// ngspice (default; the dialect PulseProp simulates).
    case ngspice
    /// Xyce (Sandia).
    case xyce

    /// Folder under `templates/` holding this dialect's templates.
    var templateFolder: String { rawValue }

    /// Name of the internal state node of device instance `device`.
    func stateNode(of device: String) -> String {
        switch self {
        case .ngspice: return "\(device).s"
        case .xyce: return "\(device):s"
        }
    }
}
