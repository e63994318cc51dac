/// The simulator a netlist is written for.
///
/// | | ngspice | Xyce | LTspice |
/// |---|---|---|---|
/// | subcircuit parameters | `params: x0=…` | `PARAMS: x0=…` (also on the instance line) | `PARAMS: x0=…` (both lines) |
/// | B-source expression | bare: `I = expr` | in braces: `I={expr}` | bare: `I=expr` |
/// | state of device `x1_2` | internal node `x1_2.s` | internal node `X1_2:s` | port, top-level node `s1_2` |
/// | initial state | `IC=` on the state capacitor, `.tran … uic` | same (`UIC`) | same |
/// | final states out | `.control` block prints the last point as `state_<dev> = <x>` | `.PRINT TRAN FORMAT=CSV`, last row | `.meas TRAN state_<dev> FIND V(s…) AT=<end of phase 2>` (log file); the transient runs one period longer |
///
/// All use the same equations and numbers. PulseProp simulates the ngspice dialect; the LTspice
/// export is checked by running it in ngspice's LTspice compatibility mode (`ngbehavior=lt`);
/// Xyce is not packaged for Debian, so its export is checked for form only. LTspice has no
/// `.control` blocks, hence the state port and `.meas` lines.
public enum SpiceDialect: String, CaseIterable, Codable, Sendable {
    /// ngspice (default; the dialect PulseProp simulates).
    case ngspice
    /// Xyce (Sandia).
    case xyce
    /// LTspice (Analog Devices).
    case ltspice

    /// The simulator's name as written in netlist comments.
    var label: String {
        switch self {
        case .ngspice: return "ngspice"
        case .xyce: return "Xyce"
        case .ltspice: return "LTspice"
        }
    }

    /// Folder under `templates/` holding this dialect's templates.
    var templateFolder: String { rawValue }

    /// Name of the internal state node of device instance `device`.
    func stateNode(of device: String) -> String {
        switch self {
        case .ngspice: return "\(device).s"
        case .xyce: return "\(device):s"
        case .ltspice: return "s" + device.dropFirst()
        }
    }
}
