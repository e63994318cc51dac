import Foundation

/// The SPICE netlist of one learning step (both phases) of an R×C crossbar.
///
/// Node names are stable and readable: row `i` is driven at `r<i>` and column `j` at `c<j>`;
/// with wire resistance the cross-points are `r<i>_<j>` on row lines and `c<j>_<i>` on column
/// lines; device `(i, j)` is `x<i>_<j>` with its state on internal node `s`. Only state
/// nodes are saved, and the maximum time step is one pulse period (breakpoints at every
/// pulse corner keep the edges resolved).
public struct CrossbarNetlist: Sendable {
    /// The netlist text.
    public let text: String
    /// The simulator it is written for.
    public let dialect: SpiceDialect
    /// Device instance names, `x<row>_<col>`.
    public let deviceNames: Matrix<String>
    /// The vector holding each device's state (ngspice: `x<row>_<col>.s`, or a Verilog-A
    /// model's internal node `n.x<row>_<col>.ndev#<node>`).
    public let stateVectors: Matrix<String>
    /// End of the last phase, seconds: every pulse has ended, and the final states are read
    /// here (the end of the Xyce and VACASK transients; ngspice's runs a thousandth of a period
    /// longer, LTspice's one period).
    public let stopTime: Double
    /// Pulse slots per phase (the state samples per phase).
    public let slotsPerPhase: Int
    /// Whether energy integrator nodes (`x<i>_<j>.e`, `pp_drivers`) are in the netlist.
    public let measuresEnergy: Bool
    /// The probed device and the names of its electrode nodes, when the netlist saves them.
    public let probe: (device: DeviceIndex, rowNode: String, columnNode: String)?

    /// What the template was rendered from.
    let context: CrossbarTemplateContext
    /// The devices simulated (per-device values under variation).
    public let devices: DevicePopulation
    /// The states the devices start at: the states asked for, stuck devices at theirs.
    public let initialStates: Matrix<Double>

    /// Energy integrators inject `energyScale·p(t)` into a capacitor of `energyScale` farads, so
    /// their node voltage is the energy in joules while their charge stays far below ngspice's
    /// `chgtol` (1e-14 C): truncation-error control then ignores them, and measuring energy no
    /// longer moves the time points (unscaled, it shifted final states by up to 5e-5 of the
    /// range, and the compiled model's energy port took other time points than the B-source).
    static let energyScale = 1e-9

    /// The compiled device model the netlist needs (loaded before it is parsed), or nil for the
    /// portable B-source subcircuit.
    public let compiledModel: CompiledDeviceModel?

    /// The Verilog-A sources the netlist loads by file name from its own folder (VACASK; empty
    /// for the other dialects): an export writes each beside the netlist.
    public let verilogAFiles: [VerilogAFile]

    /// Name of the subcircuit of the threshold memristor.
    public static let deviceModelName = "pp_memristor"

    /// Builds the netlist of `step` on `circuit` with devices starting at `states` (R×C, each
    /// in `[0, 1]`). With `probe`, the netlist also saves that device's two electrode
    /// voltages at every simulator time point (no `.options interp`), for waveform plots.
    /// With `compiledModel` (ngspice dialect only), devices use the compiled model (OSDI or
    /// XSPICE). For exports: `solver` adds its `.options` line (ngspice dialect; nil: none), and
    /// `preOsdi` names the `.osdi` file the `.control` block loads (the OSDI form; the shared
    /// library loads the model with its own command instead).
    ///
    /// `population` replaces the circuit's devices for this step (cycle-to-cycle noise).
    ///
    /// The VACASK dialect takes compiled devices only: its devices are the Verilog-A module of
    /// `verilogA` (the built-in threshold memristor unless given), which the netlist loads by
    /// file name and VACASK compiles; ``verilogAFiles`` lists what must lie beside it.
    ///
    /// `reportsFinalStates` (ngspice): the `.control` block prints every device's final state
    /// as `state_<dev> = <x>` for the batch program. The shared library reads the state vectors
    /// directly, so the engine leaves that report out: its one `let` per device cost more than
    /// the transient itself at 32×32 (0.5 s of a 1.2 s step in `ngspice -b`); the circuit and
    /// the analysis are the same either way.
    public init(
        circuit: CrossbarCircuit, step: LearningStep, states: Matrix<Double>,
        dialect: SpiceDialect = .ngspice, title: String = "PulseProp learning step", measureEnergy: Bool = false,
        probe: DeviceIndex? = nil, compiledModel: CompiledDeviceModel? = nil, reportsFinalStates: Bool = true,
        population: DevicePopulation? = nil, solver: SpiceSolver? = nil, preOsdi: String? = nil,
        verilogA: VerilogAFile = .threshold
    ) throws {
        try circuit.validate()
        try require(
            compiledModel == nil || dialect == .ngspice, "spice-model",
            dialect.loadsVerilogA
                ? "\(dialect.label) netlists load the Verilog-A source, not a compiled model ngspice loads"
                : "the compiled model exists for ngspice only; export \(dialect.label) netlists with the B-source model")
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        try require(
            states.elements.allSatisfy { $0 >= 0 && $0 <= 1 }, "state", "every device state must lie in [0, 1]")
        let schedule = try ElectrodeSchedule(step: step, shape: circuit.shape)
        let devices = population ?? circuit.population(rows: step.rows, cols: step.cols)
        let states = devices.pinned(states)
        let names = Matrix(rows: step.rows, cols: step.cols) { "x\($0)_\($1)" }
        let stateNodes = names.map { Self.stateNode(of: $0, device: circuit.device, dialect: dialect) }
        let lines = CrossbarLines(rows: step.rows, cols: step.cols, wiring: circuit.wiring)
        let f = SpiceFormatting.number
        let time = SpiceFormatting.time
        var stateVectors = stateNodes.elements.map { dialect.voltage(of: $0) }
        if let probe {
            try require(
                probe.row >= 0 && probe.row < step.rows && probe.col >= 0 && probe.col < step.cols, "probe",
                "device (\(probe.row), \(probe.col)) is outside the \(step.rows)x\(step.cols) crossbar")
            let nodes = (lines.rowNode(probe.row, probe.col), lines.columnNode(probe.col, probe.row))
            self.probe = (probe, nodes.0, nodes.1)
            stateVectors += [dialect.voltage(of: nodes.0), dialect.voltage(of: nodes.1)]
        } else {
            self.probe = nil
        }
        let measuresEnergy = measureEnergy && dialect == .ngspice
        var energyLines: [String] = []
        if measuresEnergy {
            let sourceNames = (0..<step.rows).map { ("vr\($0)", "r\($0)") } + (0..<step.cols).map { ("vc\($0)", "c\($0)") }
            let terms = sourceNames.map { "v(\($0.1))*i(\($0.0))" }
            let chunks = stride(from: 0, to: terms.count, by: 6).map { terms[$0..<min($0 + 6, terms.count)].joined(separator: " + ") }
            let scale = SpiceFormatting.number(Self.energyScale)
            energyLines = ["Bpp_drivers 0 pp_drivers I = -\(scale)*("]
                + chunks.enumerated().map { "+ " + $1 + ($0 < chunks.count - 1 ? " +" : "") }
                + ["+ )", "Cpp_drivers pp_drivers 0 \(scale) IC=0"]
            stateVectors += names.elements.map { "v(\($0).e)" } + ["v(pp_drivers)"]
        }
        // LTspice reads the final states with .meas at the end of the last phase; its transient
        // runs one empty period longer, so that instant lies inside it whatever the round-off.
        // ngspice 46's interpolated output drops its last sample when the stop time is a whole
        // number of steps and the division rounds down (a 2-period transient gives 1 sample, a
        // 1 µs-step 4 µs one 3): its transient runs a thousandth of a period longer, when every
        // pulse has ended and nothing moves.
        let period = circuit.shape.gridPeriod
        let transientStop: GridTime
        switch dialect {
        case .ltspice: transientStop = schedule.stopTime + period
        case .ngspice: transientStop = schedule.stopTime + GridTime(femtoseconds: period.femtoseconds / 1000)
        case .xyce, .vacask: transientStop = schedule.stopTime
        }
        // VACASK loads and compiles the Verilog-A source itself: the built-in model, or the user's own.
        let ownSource = try circuit.device.verilogA.map { try VerilogAFile(file: $0.source) }
        let sources = dialect.loadsVerilogA ? [ownSource ?? verilogA] : []
        let context = CrossbarTemplateContext(
            header: .init(
                comment: dialect.comment, title: SpiceFormatting.comment(title), dialectLabel: dialect.label, rows: step.rows, cols: step.cols,
                phaseLength: time(schedule.phaseLength), stopTime: time(schedule.stopTime),
                halfSet: f(circuit.shape.setAmplitude / 2), halfReset: f(circuit.shape.resetAmplitude / 2),
                rowCounts: step.rowCounts.map(String.init).joined(separator: " "),
                columnCounts: step.columnCounts.map(String.init).joined(separator: " "),
                segmentResistance: f(circuit.wiring.segmentResistance), driverResistance: f(circuit.wiring.driverResistance)),
            subcircuit: try Self.subcircuits(
                circuit.device, devices, names: names, dialect: dialect, energy: measureEnergy, compiledModel: compiledModel,
                verilogA: verilogA),
            sources: schedule.rows.enumerated().map { PWLSourceLines("vr\($0)", node: "r\($0)", $1, dialect: dialect) }
                + schedule.columns.enumerated().map { PWLSourceLines("vc\($0)", node: "c\($0)", $1, dialect: dialect) },
            wires: WireLines(lines),
            hasEnergy: measuresEnergy, energyLines: energyLines,
            devices: (0..<step.rows).flatMap { i in
                (0..<step.cols).map { j in
                    CrossbarTemplateContext.DeviceLine(
                        name: names[i, j], row: lines.rowNode(i, j), col: lines.columnNode(j, i),
                        model: Self.modelName(devices, i, j), x0: f(states[i, j]), stateNode: stateNodes[i, j])
                }
            },
            saveLines: SpiceFormatting.lines(stateVectors, perLine: 8).enumerated().map { ($0 == 0 ? ".save " : "+ ") + $1 },
            reportsFinalStates: reportsFinalStates,
            printLines: SpiceFormatting.lines(names.elements.map { "state_\($0)" }, perLine: 8),
            vectorLines: SpiceFormatting.lines(stateVectors, perLine: 8),
            interp: probe == nil,
            step: time(circuit.shape.gridPeriod), transientStop: time(transientStop), maxStep: time(circuit.shape.gridPeriod),
            useInitialConditions: circuit.device.verilogA == nil,
            measureTime: time(schedule.stopTime),
            solverLines: dialect == .ngspice ? [solver?.optionsLine].compactMap { $0 } : [],
            preOsdi: dialect == .ngspice ? [preOsdi].compactMap { $0 } : [],
            loads: sources.map(\.fileName),
            initialConditionLines: dialect == .vacask && circuit.device.verilogA == nil
                ? SpiceFormatting.listLines(
                    names.elements.indices.map { "\"\(dialect.stateNode(of: names.elements[$0]))\", \(f(states.elements[$0]))" },
                    perLine: 4)
                : [])
        self.text = TemplateRenderer.render("\(dialect.templateFolder)/crossbar.cir", context)
        self.context = context
        self.dialect = dialect
        self.compiledModel = compiledModel
        self.verilogAFiles = sources
        self.deviceNames = names
        self.stateVectors = stateNodes
        self.devices = devices
        self.initialStates = states
        self.stopTime = schedule.stopTime.seconds
        self.slotsPerPhase = step.slotsPerPhase
        self.measuresEnergy = measuresEnergy
    }

    /// The subcircuit device `(i, j)` instantiates: ``deviceModelName``, or under variation
    /// its own `pp_memristor_<i>_<j>`.
    static func modelName(_ devices: DevicePopulation, _ i: Int, _ j: Int) -> String {
        devices.instance(i, j) == nil ? deviceModelName : "\(deviceModelName)_\(i)_\(j)"
    }

    /// The node holding the state of device instance `name` in `dialect`: the subcircuit's
    /// `s`, or the internal state node of a Verilog-A device's module (instance `ndev`).
    static func stateNode(of name: String, device: Device, dialect: SpiceDialect) -> String {
        guard let model = device.verilogA else { return dialect.stateNode(of: name) }
        switch dialect {
        case .vacask: return "\(name):dev:\(model.stateNode)"
        default: return "n.\(name).ndev#\(model.stateNode)"
        }
    }

    /// Every subcircuit the devices need: the nominal one, or under variation one per device
    /// with its own parameter values (its model card, for the compiled model), all rendered
    /// from the same template. A Verilog-A device is its module in the ngspice dialect, without
    /// variation (which is defined on the threshold family's equations).
    static func subcircuits(
        _ device: Device, _ devices: DevicePopulation, names: Matrix<String>, dialect: SpiceDialect, energy: Bool,
        compiledModel: CompiledDeviceModel?, verilogA: VerilogAFile = .threshold
    ) throws -> String {
        if let model = device.verilogA {
            guard devices.instances == nil else {
                throw VerilogADeviceError.needsThresholdFamily(feature: "device-to-device variation and cycle-to-cycle noise")
            }
            return try verilogASubcircuit(model, dialect: dialect, energy: energy)
        }
        guard let instances = devices.instances else {
            return subcircuit(devices.nominal, dialect: dialect, energy: energy, compiledModel: compiledModel, verilogA: verilogA)
        }
        return (0..<instances.rows).flatMap { i in
            (0..<instances.cols).map { j in
                subcircuit(
                    instances[i, j].parameters, name: modelName(devices, i, j), dialect: dialect, energy: energy,
                    compiledModel: compiledModel, verilogA: verilogA)
            }
        }.joined(separator: "\n")
    }

    /// The device subcircuit ``deviceModelName`` of a Verilog-A device's module in `dialect`
    /// (ngspice: the compiled module by OSDI; VACASK: its source).
    static func verilogASubcircuit(_ model: VerilogADevice, dialect: SpiceDialect, energy: Bool) throws -> String {
        guard dialect == .ngspice || dialect == .vacask else { throw VerilogADeviceError.dialect(dialect.label) }
        let context = VerilogAMemristorTemplateContext(name: deviceModelName, device: model, energy: energy && dialect == .ngspice)
        return TemplateRenderer.render("\(dialect.templateFolder)/memristor-verilog-a.cir", context).trimmingCharacters(in: .newlines)
    }

    /// The rendered device subcircuit for `device` in `dialect`: B-sources, the compiled model
    /// with the same parameter values, or (VACASK) the Verilog-A module of `verilogA` with them.
    static func subcircuit(
        _ device: ThresholdDevice, name: String = deviceModelName, dialect: SpiceDialect, energy: Bool = false,
        compiledModel: CompiledDeviceModel? = nil, verilogA: VerilogAFile = .threshold
    ) -> String {
        let context = MemristorTemplateContext(name: name, device: device, energy: energy)
        let folder = dialect.templateFolder
        let text: String
        switch compiledModel {
        case nil where dialect.loadsVerilogA:
            text = TemplateRenderer.render(
                "\(folder)/memristor.cir", VacaskMemristorTemplateContext(device: context, source: verilogA))
        case nil:
            text = TemplateRenderer.render("\(folder)/memristor.cir", context)
        case .xspice(let model)?:
            text = TemplateRenderer.render(
                "\(folder)/memristor-codemodel.cir", CodeModelMemristorTemplateContext(device: context, codeModel: model))
        case .osdi(let model)?:
            text = TemplateRenderer.render("\(folder)/memristor-osdi.cir", OSDIMemristorTemplateContext(device: context, model: model))
        }
        return text.trimmingCharacters(in: .newlines)
    }
}
