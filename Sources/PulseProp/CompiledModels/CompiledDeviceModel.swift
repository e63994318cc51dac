/// The compiled form of the threshold memristor a SPICE engine loads into ngspice: OSDI
/// (Verilog-A compiled by openvaf-r) on an ngspice with OSDI, the XSPICE code model on one
/// without (Debian 12's 39.3). Both evaluate the B-source subcircuit's equations with the state
/// on the same capacitor node, so all three agree within 1e-6 of the state range (tested).
public enum CompiledDeviceModel: Equatable, Sendable {
    case osdi(OSDIModel)
    case xspice(CodeModel)

    /// The file ngspice loads.
    public var path: String {
        switch self {
        case .osdi(let model): return model.path
        case .xspice(let model): return model.path
        }
    }

    /// The ngspice command that loads it (shared library, or a `.spiceinit` of the program).
    /// Paths with control characters never get here (``NgspiceLibrary`` and the compiler
    /// refuse them), so the command is one line.
    public var loadCommand: String {
        switch self {
        case .osdi(let model): return "osdi \(model.path)"
        case .xspice(let model): return "codemodel \(model.path)"
        }
    }

    /// `osdi` or `xspice`, as reports name it.
    public var kind: String {
        switch self {
        case .osdi: return "osdi"
        case .xspice: return "xspice"
        }
    }
}
