import Foundation

/// Why a Verilog-A device (``VerilogADevice``) cannot be used: each case is one line naming
/// the problem and, where there is one, the fix. The compiler's own failures are
/// ``CompiledModelError``s; an ngspice without OSDI is ``SpiceError/capabilityMissing(_:ngspice:)``.
public enum VerilogADeviceError: Error, Equatable, CustomStringConvertible {
    /// The file declares no module.
    case noModule(file: String)
    /// The module named is not in the file.
    case moduleNotFound(file: String, module: String, found: [String])
    /// The module does not have exactly two terminals.
    case terminals(module: String, ports: [String])
    /// The model card names a parameter the module does not have.
    case unknownParameter(module: String, name: String, known: [String])
    /// The module has no instance parameter to set the initial state with.
    case noInitialStateParameter(module: String, name: String)
    /// The simulation has no vector for the state node.
    case noStateNode(module: String, node: String)
    /// One transient and two restarted from the node state disagree.
    case notWellPosed(module: String, difference: Double)
    /// Full-amplitude pulses leave no lasting change of the state.
    case doesNotSwitch(module: String, moved: Double)
    /// The state left [0, 1].
    case stateOutOfRange(module: String, state: Double)
    /// The current (or the energy it integrates) is NaN.
    case nanCurrent(module: String, state: Double)
    /// A half-amplitude pulse moves the state more than the threshold family does.
    case disturbs(module: String, perPulse: Double, allowed: Double)
    /// The conductance at the bounds is not positive and increasing.
    case conductanceRange(module: String, off: Double, on: Double)
    /// A netlist dialect other than ngspice's (which loads the compiled module by OSDI).
    case dialect(String)
    /// `--spice-model behavioral`: the device exists only as its compiled module.
    case behavioralForm
    /// Device-to-device variation and other features built on the threshold family's equations.
    case needsThresholdFamily(feature: String)

    public var description: String {
        func g(_ x: Double) -> String { String(format: "%.3g", x) }
        switch self {
        case .noModule(let file):
            return "Verilog-A device: \(file) declares no module"
        case .moduleNotFound(let file, let module, let found):
            return "Verilog-A device: \(file) has no module \(module) (it has: \(found.joined(separator: ", ")))"
        case .terminals(let module, let ports):
            return "Verilog-A device: module \(module) has \(ports.count) terminals (\(ports.joined(separator: ", "))); "
                + "a device has two, (p, n), with its state on an internal node"
        case .unknownParameter(let module, let name, let known):
            return "Verilog-A device: module \(module) has no parameter \(name) (it has: \(known.joined(separator: ", ")))"
        case .noInitialStateParameter(let module, let name):
            return "Verilog-A device: module \(module) has no instance parameter \(name) for the initial state "
                + "(declare (* type=\"instance\" *) parameter real \(name) and hold the state node at it while $abstime <= 0)"
        case .noStateNode(let module, let node):
            return "Verilog-A device: module \(module) has no internal node \(node) (choose the state node with --state-node)"
        case .notWellPosed(let module, let difference):
            return "Verilog-A device: module \(module) is not well-posed: two transients restarted from the node state end "
                + "\(g(difference)) of the range away from one transient; the state must live on a node "
                + "(I(x) <+ ddt(V(x)) - rate), not in Verilog-A variables"
        case .doesNotSwitch(let module, let moved):
            return "Verilog-A device: module \(module) keeps nothing of two full-amplitude pulses (its state moved \(g(moved)) "
                + "of the range): either the pulses do not exceed its thresholds (--set-amplitude, --reset-amplitude), or it "
                + "keeps its state in Verilog-A variables, which OSDI does not keep between evaluations; the state must live "
                + "on a node (I(x) <+ ddt(V(x)) - rate)"
        case .stateOutOfRange(let module, let state):
            return "Verilog-A device: module \(module) left the state range [0, 1] (reached \(g(state)))"
        case .nanCurrent(let module, let state):
            return "Verilog-A device: module \(module) gives a NaN current (from state \(g(state)))"
        case .disturbs(let module, let perPulse, let allowed):
            return "Verilog-A device: module \(module) moves \(g(perPulse)) of its range per half-amplitude "
                + "pulse (the threshold presets: at most \(g(allowed))); half-selected devices would be "
                + "disturbed (--allow-disturb proceeds)"
        case .conductanceRange(let module, let off, let on):
            return "Verilog-A device: module \(module) conducts \(g(off)) S at state 0 and "
                + "\(g(on)) S at state 1; PulseProp needs 0 < G(0) < G(1)"
        case .dialect(let label):
            return "Verilog-A device: exported for ngspice (its compiled module, OSDI) and VACASK (its source) only; \(label) netlists cannot carry it"
        case .behavioralForm:
            return "Verilog-A device: it exists only as its compiled module (use --spice-model auto or compiled)"
        case .needsThresholdFamily(let feature):
            return "Verilog-A device: not available for \(feature), which is built on the threshold family's equations "
                + "(a preset or a threshold device JSON file)"
        }
    }
}
