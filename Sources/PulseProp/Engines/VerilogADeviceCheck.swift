import Foundation

/// Checks a Verilog-A device (``VerilogADevice``) before anything uses it, and measures its
/// conductance range. Each refusal is one ``VerilogADeviceError`` line.
///
/// In order, on the circuit's pulses (ideal wires, no variation):
///
/// 1. the module is in the file and has two terminals (read from the source);
/// 2. every `--device-param` is a parameter of the module, and the initial-state parameter is
///    one of its instance parameters (ngspice's `devhelp` of the compiled model);
/// 3. at rest — a transient without pulses — every device keeps the state it started at; a
///    pulse pair leaves a lasting change (up under SET pulses, down under RESET ones); and the
///    pair as one transient ends where two transients restarted from the node state end
///    (``restartTolerance``): a model whose state lives in Verilog-A variables fails one of
///    these, since OSDI does not keep variables between evaluations;
/// 4. the state stays in `[0, 1]` under long trains toward either bound, and the current (the
///    energy integrated from it) is a number;
/// 5. a half-selected device moves at most ``disturbTolerance`` of its range per
///    half-amplitude pulse, which is what the threshold presets do (nothing, below their
///    thresholds), unless disturb is allowed;
/// 6. the conductance at states 0 and 1, at ``readVoltage``, satisfies `0 < G(0) < G(1)`.
public struct VerilogADeviceCheck {
    /// The circuit checked (its device is the Verilog-A one).
    public let circuit: CrossbarCircuit
    /// Proceed when half-amplitude pulses move the state (`--allow-disturb`).
    public var allowDisturb: Bool

    /// Largest difference between one transient and two restarted ones, and drift at rest,
    /// as a fraction of the range. The check's transients run at ``relativeTolerance``, where
    /// the examples' restarts agree within 1e-5 to 1.8e-5 (at ngspice's default 1e-3: 6e-6 to
    /// 2.7e-4, growing with the switching rate); a disturbing model's pulse order adds its
    /// disturb times its step; a state kept in variables is lost outright.
    public static let restartTolerance = 1e-3
    /// ngspice's `reltol` for the check's transients (``SpiceEngine/relativeTolerance``).
    public static let relativeTolerance = 1e-6
    /// Largest state change per half-amplitude pulse the threshold presets show (numerical
    /// noise: they do not move below their thresholds).
    public static let disturbTolerance = 1e-6
    /// Small-signal read voltage of the conductance measurement, volts.
    public static let readVoltage = 0.1
    /// How far outside `[0, 1]` a state may end by the integrator's rounding.
    static let rangeTolerance = 1e-6

    /// What the check measured, reported by the commands that run it.
    public struct Findings: Equatable, Sendable {
        /// One transient against two restarted ones, largest difference.
        public var restartDifference: Double
        /// Largest drift of a state at rest (a transient without pulses).
        public var restDrift: Double
        /// State change per half-amplitude pulse, largest.
        public var disturbPerPulse: Double
        /// Lowest and highest state reached.
        public var stateRange: ClosedRange<Double>
    }

    public init(circuit: CrossbarCircuit, allowDisturb: Bool = false) throws {
        guard circuit.device.verilogA != nil else {
            throw ParameterError("device", "the Verilog-A check needs a Verilog-A device")
        }
        var checked = circuit
        checked.wiring = .ideal
        checked.variation = .none
        self.circuit = checked
        self.allowDisturb = allowDisturb
    }

    private var device: VerilogADevice { circuit.device.verilogA! }

    /// Runs every check in a fresh engine; returns the device with its measured conductance
    /// range, and what was measured. `compilerPath` overrides ``VerilogACompiler/locate()``.
    public func run(compilerPath: String? = nil) throws -> (device: VerilogADevice, findings: Findings) {
        try checkSource()
        // Tight time steps: what is left of a restart's difference is the model's, not the grid's.
        let engine = try SpiceEngine(circuit: circuit, measureEnergy: true, compilerPath: compilerPath, relativeTolerance: Self.relativeTolerance)
        try checkParameters(engine)
        let findings = try checkDynamics(engine)
        var measured = device
        measured.conductance = try conductance(engine)
        return (measured, findings)
    }

    /// The module exists and has two terminals.
    func checkSource() throws {
        let modules = VerilogASource.modules(in: try InputFile.text(atPath: device.source))
        guard let module = modules.first(where: { $0.name == device.module }) else {
            // A header built by macros is not seen here; the compiler and ngspice judge it then.
            if modules.isEmpty { return }
            throw VerilogADeviceError.moduleNotFound(file: device.source, module: device.module, found: modules.map(\.name))
        }
        guard module.ports.count == 2 else { throw VerilogADeviceError.terminals(module: module.name, ports: module.ports) }
    }

    /// Every parameter given exists; the initial-state parameter is an instance parameter.
    func checkParameters(_ engine: SpiceEngine) throws {
        let help = engine.output(of: "devhelp \(device.module)")
        var section = ""
        var model: [String] = []
        var instance: [String] = []
        for line in help {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("Model Parameters") { section = "model"; continue }
            if trimmed.hasPrefix("Instance Parameters") { section = "instance"; continue }
            let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, Int(words[0]) != nil else { continue }
            if section == "model" { model.append(String(words[1])) }
            if section == "instance" { instance.append(String(words[1])) }
        }
        // No listing (an ngspice whose devhelp does not know OSDI models): ngspice's own error
        // on the model card is the message then.
        guard !model.isEmpty || !instance.isEmpty else { return }
        let known = Set((model + instance).map { $0.lowercased() })
        for parameter in device.parameters where !known.contains(parameter.name.lowercased()) {
            throw VerilogADeviceError.unknownParameter(module: device.module, name: parameter.name, known: model)
        }
        guard instance.contains(where: { $0.lowercased() == device.initialStateParameter.lowercased() }) else {
            throw VerilogADeviceError.noInitialStateParameter(module: device.module, name: device.initialStateParameter)
        }
    }

    /// Steps 3 to 5 on a 1×3 crossbar: column 0 potentiates, column 1 depresses, column 2 is
    /// half-selected only.
    func checkDynamics(_ engine: SpiceEngine) throws -> Findings {
        let start = Matrix(rows: 1, cols: 3, elements: [0.3, 0.7, 0.5])
        func step(_ n: Int) throws -> LearningStep {
            try LearningStep(rowCounts: [n], columnCounts: [-n, n, 0], slotsPerPhase: max(n, 1))
        }
        func simulate(_ step: LearningStep, from states: Matrix<Double>) throws -> (final: Matrix<Double>, path: Matrix<[Double]>) {
            let netlist = try CrossbarNetlist(
                circuit: circuit, step: step, states: states, title: "PulseProp Verilog-A device check",
                measureEnergy: true, compiledModel: engine.compiledModel, reportsFinalStates: false)
            let (path, energy) = try engine.trajectoriesAndEnergy(netlist)
            if energy.contains(where: { $0.isNaN }) || path.elements.contains(where: { $0.contains { $0.isNaN } }) {
                throw VerilogADeviceError.nanCurrent(module: device.module, state: states.elements.min() ?? 0)
            }
            return (path.map { $0.last! }, path)
        }
        // At rest: nothing moves.
        let rest = try simulate(step(0), from: start)
        let drift = zip(rest.final.elements, start.elements).map { abs($0 - $1) }.max()!
        guard drift <= Self.restartTolerance else { throw VerilogADeviceError.notWellPosed(module: device.module, difference: drift) }
        // A pulse pair: one transient against two restarted from the node state; the pair leaves
        // the potentiated device higher and the depressed one lower.
        let once = try simulate(step(2), from: start)
        let moved = min(once.final[0, 0] - start[0, 0], start[0, 1] - once.final[0, 1])
        guard moved > Self.disturbTolerance else { throw VerilogADeviceError.doesNotSwitch(module: device.module, moved: moved) }
        let first = try simulate(step(1), from: start)
        let second = try simulate(step(1), from: first.final)
        let restart = zip(once.final.elements, second.final.elements).map { abs($0 - $1) }.max()!
        guard restart <= Self.restartTolerance else {
            throw VerilogADeviceError.notWellPosed(module: device.module, difference: restart)
        }
        // Long trains toward both bounds: the state stays in [0, 1].
        let trains = try simulate(step(40), from: Matrix(rows: 1, cols: 3, elements: [0.95, 0.05, 0.5]))
        let reached = trains.path.elements.flatMap { $0 } + once.path.elements.flatMap { $0 }
        let (low, high) = (reached.min()!, reached.max()!)
        if low < -Self.rangeTolerance { throw VerilogADeviceError.stateOutOfRange(module: device.module, state: low) }
        if high > 1 + Self.rangeTolerance { throw VerilogADeviceError.stateOutOfRange(module: device.module, state: high) }
        // Half-selected: column 2 sees 40 half-amplitude pulses of each polarity, one phase each.
        let half = trains.path[0, 2]
        let phase = half.count / 2
        let disturb = max(abs(half[phase - 1] - 0.5), abs(half[2 * phase - 1] - half[phase - 1])) / Double(phase)
        if disturb > Self.disturbTolerance && !allowDisturb {
            throw VerilogADeviceError.disturbs(module: device.module, perPulse: disturb, allowed: Self.disturbTolerance)
        }
        return Findings(restartDifference: restart, restDrift: drift, disturbPerPulse: disturb, stateRange: low...high)
    }

    /// The conductance at states 0 and 1 at ``readVoltage`` (an operating point).
    func conductance(_ engine: SpiceEngine) throws -> VerilogADevice.ConductanceRange {
        let subcircuit = try CrossbarNetlist.subcircuits(
            circuit.device, circuit.population(rows: 1, cols: 1), names: Matrix(rows: 1, cols: 1) { _, _ in "x" },
            dialect: .ngspice, energy: false, compiledModel: engine.compiledModel)
        let v = SpiceFormatting.number(Self.readVoltage)
        let text = """
            * PulseProp Verilog-A device check: conductance at the bounds
            \(subcircuit)
            vlow low 0 DC \(v)
            xlow low 0 \(CrossbarNetlist.deviceModelName) x0=0
            vhigh high 0 DC \(v)
            xhigh high 0 \(CrossbarNetlist.deviceModelName) x0=1
            .control
            op
            .endc
            .end
            """
        let currents = try engine.vectors(simulating: text, ["vlow#branch", "vhigh#branch"])
        let g = currents.map { ($0?.last).map { -$0 / Self.readVoltage } ?? .nan }
        if g.contains(where: { $0.isNaN }) { throw VerilogADeviceError.nanCurrent(module: device.module, state: g[0].isNaN ? 0 : 1) }
        guard g[0] > 0, g[1] > g[0], g[1].isFinite else {
            throw VerilogADeviceError.conductanceRange(module: device.module, off: g[0], on: g[1])
        }
        return VerilogADevice.ConductanceRange(on: g[1], off: g[0], readVoltage: Self.readVoltage)
    }
}
