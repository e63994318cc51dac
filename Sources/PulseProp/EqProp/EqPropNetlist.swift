import Foundation

/// The SPICE netlist (`templates/<dialect>/eqprop.cir`) of one phase of an ``EqPropNetwork``:
/// an operating point whose node voltages are the equilibrium. ngspice runs `op` in its
/// `.control` block and prints the node voltages; the LTspice and Xyce exports (which have no
/// `.control`) take the one point of a DC sweep of the clamp source `vcp` over its own value
/// and report the nodes with `.meas DC v_<node> MAX V(<node>)` (LTspice, the log file) or
/// `.PRINT DC FORMAT=CSV` (Xyce). Xyce writes behavioural expressions in braces.
///
/// Sources: `ip<i>`/`in<i>` at `±A_in·x_i`, `bp`/`bn` at `±V_bias`, `cp`/`cn` at `±V_b`.
/// Devices are the resistors `1/G(s)` of their states (below both thresholds, see
/// ``EqPropNeuron``); each neuron node has its leak resistor and the diode pair as a B-source
/// current; the nudged phase adds, per output, B-source currents
/// `±β·G_on·(A_out·t − (V_o+ − V_o−))`, linear in the node voltages, so the operating point is
/// the exact equilibrium of the same equations the analytic solver uses. The options
/// `reltol=1e-9 vntol=1e-12 abstol=1e-15` make ngspice's Newton stop far below 1 µV.
///
/// With a ``EqPropDrift`` (nudged phase only) the netlist is the continuous rule's transient
/// instead: see ``EqPropDrift`` for the circuit.
///
/// A Verilog-A device (``VerilogADevice``, ngspice dialect only) is its module instead of a
/// resistor: `xw1_<h>_<c>`, `xw2_<k>_<c>` instantiate the device subcircuit of the crossbar
/// netlists (the compiled module, loaded by OSDI: in process by the library, in an export by
/// the `pre_osdi` line of `preOsdi`) at their states, which the module holds in the operating
/// point; the equilibrium is then the model's own current, nonlinear or not.
public struct EqPropNetlist: Sendable {
    /// The netlist text.
    public let text: String
    /// The free nodes, in ``EqPropNetwork/nodeName(_:)`` order.
    public let nodes: [String]
    /// With a drift: the drifting devices' state vectors (`xd1_<h>_<c>.s`, then
    /// `xd2_<k>_<c>.s`, row-major, in the order of the network's states); empty otherwise.
    public let stateVectors: [String]
    let context: EqPropTemplateContext

    /// The simulator it is written for.
    public let dialect: SpiceDialect

    /// The dialects the network is written in: VACASK has no behavioural sources for the
    /// neurons' diode pairs.
    public static let dialects: [SpiceDialect] = [.ngspice, .xyce, .ltspice]

    public init(
        network: EqPropNetwork, input: [Double], nudge: EqPropNudge?, drift: EqPropDrift? = nil, dialect: SpiceDialect = .ngspice,
        title: String = "PulseProp equilibrium propagation", preOsdi: String? = nil
    ) throws {
        try require(
            Self.dialects.contains(dialect), "dialect",
            "the network is written in the \(Self.dialects.map(\.rawValue).joined(separator: ", ")) dialects only (its neurons are behavioural sources)")
        let own = network.device.verilogA
        if own != nil, dialect != .ngspice { throw VerilogADeviceError.dialect(dialect.label) }
        if own != nil, drift != nil { throw EqPropConfiguration.continuousSpiceError }
        try require(input.count == network.inputs, "input", "\(input.count) values for \(network.inputs) inputs")
        if let nudge {
            try require(nudge.targets.count == network.outputs, "targets", "\(nudge.targets.count) targets for \(network.outputs) outputs")
        }
        try require(drift == nil || nudge != nil, "update", "the devices drift in the nudged phase only")
        try require(drift == nil || dialect == .ngspice, "dialect", "the drifting devices' transient is written in the ngspice dialect only")
        if let drift {
            try require(drift.free.count == network.nodes, "free", "\(drift.free.count) free-phase voltages for \(network.nodes) nodes")
        }
        let f = SpiceFormatting.number
        let neuron = network.neuron
        let (n, H) = (network.inputs, network.hidden)
        let sourceNodes = (0..<n).map { "ip\($0)" } + (0..<n).map { "in\($0)" } + ["bp", "bn"]
        let u = network.sourceVoltages(input)
        let g1 = try network.conductances(network.hiddenStates)
        let g2 = try network.conductances(network.outputStates)
        let nodes = (0..<network.nodes).map(network.nodeName)
        self.nodes = nodes
        let outputColumns = nodes.prefix(H) + ["cp", "cn"]
        var devices: [String] = []
        var drifting = EqPropDrift.Lines()
        let kappa = nudge.map { EqPropGradient.scale(network, beta: $0.beta) } ?? 0
        for h in 0..<H {
            for c in sourceNodes.indices {
                devices.append(
                    Self.deviceLine("w1_\(h)_\(c)", nodes[h], sourceNodes[c], state: network.hiddenStates[h, c], conductance: g1[h, c], own))
                if let drift {
                    drifting.add(
                        "1_\(h)_\(c)", nodes[h], sourceNodes[c], freeDrop: drift.free[h] - u[c], state: network.hiddenStates[h, c],
                        gain: drift.drives.hidden.rate * kappa, drive: drift.drives.hidden)
                }
            }
        }
        let outputSources = (0..<H).map { drift?.free[$0] ?? 0 } + [neuron.clampVoltage, -neuron.clampVoltage]
        for k in 0..<(2 * network.outputs) {
            for c in outputColumns.indices {
                devices.append(
                    Self.deviceLine("w2_\(k)_\(c)", nodes[H + k], outputColumns[c], state: network.outputStates[k, c], conductance: g2[k, c], own))
                if let drift {
                    drifting.add(
                        "2_\(k)_\(c)", nodes[H + k], outputColumns[c], freeDrop: drift.free[H + k] - outputSources[c],
                        state: network.outputStates[k, c], gain: drift.drives.output.rate * kappa, drive: drift.drives.output)
                }
            }
        }
        stateVectors = drifting.stateVectors
        let nudges = nudge.map { nudge in
            (0..<network.outputs).flatMap { m -> [EqPropTemplateContext.Nudge] in
                let (plus, minus) = (nodes[H + 2 * m], nodes[H + 2 * m + 1])
                let conductance = f(nudge.beta * network.device.onConductance)
                let target = f(neuron.outputAmplitude * nudge.targets[m])
                return [
                    .init(node: plus, sign: "", conductance: conductance, target: target, plus: plus, minus: minus),
                    .init(node: minus, sign: "-", conductance: conductance, target: target, plus: plus, minus: minus),
                ]
            }
        } ?? []
        context = EqPropTemplateContext(
            title: SpiceFormatting.comment(title), inputs: n, hidden: H, outputs: network.outputs, phase: EqPropPhase(nudge).description,
            largestSource: f(neuron.largestSource),
            sources: zip(sourceNodes, u).map { .init(name: "v\($0)", node: $0, volts: f($1)) }
                + [.init(name: "vcp", node: "cp", volts: f(neuron.clampVoltage)), .init(name: "vcn", node: "cn", volts: f(-neuron.clampVoltage))],
            deviceLines: devices,
            neurons: nodes.map {
                .init(
                    node: $0, leakOhms: f(1 / neuron.leakConductance), saturationCurrent: f(neuron.saturationCurrent),
                    clampVoltage: f(neuron.clampVoltage), thermalVoltage: f(neuron.thermalVoltage))
            },
            nudged: nudge != nil, nudges: nudges,
            printLines: SpiceFormatting.lines(nodes.map { "v(\($0))" }, perLine: 8),
            drifting: drift != nil,
            subcircuit: try own.map { try CrossbarNetlist.verilogASubcircuit($0, dialect: .ngspice, energy: false) }
                ?? drift.map { _ in CrossbarNetlist.subcircuit(network.device.switching, dialect: .ngspice) } ?? "",
            verilogA: own != nil, preOsdi: [preOsdi].compactMap { $0 },
            driftLines: drifting.lines,
            driveTime: f(drift?.drives.output.time ?? 0), transientStep: f((drift?.drives.output.time ?? 0) / EqPropDrift.steps),
            sweep: "vcp \(f(neuron.clampVoltage)) \(f(neuron.clampVoltage)) 1")
        text = TemplateRenderer.render("\(dialect.templateFolder)/eqprop.cir", context)
        self.dialect = dialect
    }

    /// Device `id` between nodes `a` and `b`: the resistor `r<id>` of its conductance, or the
    /// instance `x<id>` of a Verilog-A device's subcircuit at its state.
    private static func deviceLine(
        _ id: String, _ a: String, _ b: String, state: Double, conductance: Double, _ own: VerilogADevice?
    ) -> String {
        let f = SpiceFormatting.number
        guard own != nil else { return "r\(id) \(a) \(b) \(f(1 / conductance))" }
        return "x\(id) \(a) \(b) \(CrossbarNetlist.deviceModelName) x0=\(f(state))"
    }
}

/// `templates/<dialect>/eqprop.cir` (and `common/batch-exit`).
struct EqPropTemplateContext: TemplateContext {
    struct Neuron {
        let node: String
        let leakOhms: String
        let saturationCurrent: String
        let clampVoltage: String
        let thermalVoltage: String
    }

    /// One nudge current into `node`: `sign·conductance·(target − (v(plus) − v(minus)))`.
    struct Nudge {
        let node: String
        let sign: String
        let conductance: String
        let target: String
        let plus: String
        let minus: String
    }

    let title: String
    let inputs: Int
    let hidden: Int
    let outputs: Int
    let phase: String
    let largestSource: String
    let sources: [DCSourceLine]
    /// One resistor line per device, `<name> <node> <node> <ohms>`, written here rather than
    /// by the template: a MNIST network has 41 000 of them, and rendering each through
    /// Mustache's dynamic lookups took most of a SPICE equilibrium's time.
    let deviceLines: [String]
    let neurons: [Neuron]
    let nudged: Bool
    let nudges: [Nudge]
    let printLines: [String]
    /// The continuous rule's transient (``EqPropDrift``): the device subcircuit, three lines per
    /// device, the drive time and the largest time step. A Verilog-A device's network has the
    /// subcircuit of its module instead (``verilogA``).
    let drifting: Bool
    let subcircuit: String
    /// Whether the devices are a Verilog-A module's instances.
    let verilogA: Bool
    /// The `.osdi` file an export's `.control` block loads (`pre_osdi`); empty in process.
    let preOsdi: [String]
    let driftLines: [String]
    let driveTime: String
    let transientStep: String
    /// LTspice and Xyce: the one-point DC sweep `vcp V_b V_b 1` that stands for the operating point.
    let sweep: String
}
