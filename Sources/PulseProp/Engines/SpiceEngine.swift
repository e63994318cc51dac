/// The circuit-level engine: each learning step is a transient simulation of the whole
/// crossbar in ngspice, run in-process through libngspice's C API.
///
/// The netlist simulated is exactly ``CrossbarNetlist`` in the ngspice dialect, the same text
/// `pulseprop netlist` exports. Final states are copied out of ngspice's vectors (the last
/// point of each state node), then the circuit and its plots are destroyed so memory stays
/// flat over thousands of steps. Errors become ``SpiceError`` values; the engine stays
/// usable afterwards. One engine is one simulator; use several for parallel simulations.
public final class SpiceEngine: CrossbarEngine {
    public let circuit: CrossbarCircuit
    private let library: NgspiceLibrary

    /// Whether netlists include energy integrators (slower: one more B-source per device).
    public let measuresEnergy: Bool

    /// The compiled device model this engine simulates (OSDI or XSPICE), or nil for the
    /// B-source subcircuit.
    public let compiledModel: CompiledDeviceModel?

    /// Opens a private ngspice instance for `circuit`; throws if the circuit is invalid or
    /// libngspice cannot be loaded. With `measureEnergy`, every step also reports the energy
    /// dissipated in the devices and delivered by the drivers in each phase. `model` picks the
    /// device form (``SpiceModelChoice``), `solver` the linear solver (``SpiceSolver``);
    /// `codeModelPath` overrides ``CodeModel/defaultPath`` (the XSPICE model of ngspice 39.3),
    /// `compilerPath` the Verilog-A compiler ``VerilogACompiler/locate()`` finds, and
    /// `relativeTolerance` ngspice's `reltol` (``relativeTolerance``; nil: ngspice's default).
    public init(
        circuit: CrossbarCircuit, measureEnergy: Bool = false, model: SpiceModelChoice = .auto,
        solver: SpiceSolver = .auto, codeModelPath: String = CodeModel.defaultPath, compilerPath: String? = nil,
        relativeTolerance: Double? = nil
    ) throws {
        try circuit.validate()
        self.measuresEnergy = measureEnergy
        self.relativeTolerance = relativeTolerance
        self.circuit = circuit
        let library = try NgspiceLibrary(solver: solver)
        compiledModel = try CompiledDeviceModel.resolve(
            model, device: circuit.device, capabilities: library.capabilities, codeModelPath: codeModelPath,
            compilerPath: compilerPath)
        if let compiledModel { try library.load(compiled: compiledModel) }
        self.library = library
    }

    /// What the loaded ngspice can do.
    public var capabilities: NgspiceCapabilities { library.capabilities }
    /// The solver this engine's simulations use (`klu` or `sparse`).
    public var solver: SpiceSolver { library.solver }

    /// Number of times the simulator was reloaded after a fatal ngspice error.
    public var reloads: Int { library.reloads }

    /// The ngspice netlist this engine simulates for `step` from `states`.
    public func netlist(for step: LearningStep, from states: Matrix<Double>) throws -> CrossbarNetlist {
        try CrossbarNetlist(
            circuit: circuit, step: step, states: states, measureEnergy: measuresEnergy, compiledModel: compiledModel)
    }

    /// ngspice's relative tolerance `reltol` for this engine's transients (nil: ngspice's
    /// default, 1e-3). Two device forms whose time-step control differs — a Verilog-A model's
    /// state on an internal node against the built-in model's state capacitor — land within
    /// about 5e-4 of the range of each other at the default and on the same solution (1e-12)
    /// as it tightens.
    public var relativeTolerance: Double?

    /// The text simulated for `netlist`: with ``relativeTolerance``'s `.options` line after the title.
    private func simulated(_ netlist: CrossbarNetlist) -> String {
        guard let relativeTolerance else { return netlist.text }
        var lines = netlist.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert(".options reltol=\(SpiceFormatting.number(relativeTolerance))", at: min(1, lines.count))
        return lines.joined(separator: "\n")
    }

    /// Cycle-to-cycle variation: each step's devices get their rates scaled by the step's
    /// factors as per-instance parameters.
    public var cycleNoise: CycleToCycleNoise?

    /// With tiles (``CrossbarCircuit/tiling``) every tile is a transient of its own netlist
    /// (``tileNetlists(for:from:population:reportsFinalStates:)``, ``simulate(tiles:)``).
    public func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
        var population = circuit.population(rows: step.rows, cols: step.cols)
        if let factors = cycleNoise?.factors(for: step) { population = population.scalingRates(by: factors) }
        return try simulate(tiles: tileNetlists(for: step, from: states, population: population))
    }

    /// The netlists this engine simulates for `step` from `states`, one per tile (one for an
    /// untiled circuit), each a crossbar of its own: its rows' and columns' pulse trains
    /// (``LearningStep/tile(_:)``), its devices of `population` (default: the circuit's).
    /// `reportsFinalStates` as ``CrossbarNetlist`` (exports print them; the engine reads vectors).
    public func tileNetlists(
        for step: LearningStep, from states: Matrix<Double>, population: DevicePopulation? = nil, reportsFinalStates: Bool = false
    ) throws -> [(tile: CrossbarTile, netlist: CrossbarNetlist)] {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        let population = population ?? circuit.population(rows: step.rows, cols: step.cols)
        return try circuit.tiles(rows: step.rows, cols: step.cols).map { tile in
            (tile, try CrossbarNetlist(
                circuit: circuit, step: step.tile(tile), states: states.block(tile), measureEnergy: measuresEnergy,
                compiledModel: compiledModel, reportsFinalStates: reportsFinalStates, population: population.tile(tile)))
        }
    }

    /// Simulates every tile's netlist in turn and puts the layer's step back together: states
    /// at their tiles, energies added (every tile's drivers deliver their own). One netlist is
    /// ``simulate(_:)``'s result as it is; an error names the tile it stopped at.
    public func simulate(tiles: [(tile: CrossbarTile, netlist: CrossbarNetlist)]) throws -> CrossbarStepResult {
        if tiles.count == 1 { return try simulate(tiles[0].netlist) }
        return CrossbarStepResult(tiles: try tiles.map { tile, netlist in
            (tile, try CircuitStepError.at(tile.label) { try simulate(netlist) })
        })
    }

    /// Simulates an already built ngspice `netlist` (its devices start at its ``CrossbarNetlist/initialStates``).
    public func simulate(_ netlist: CrossbarNetlist) throws -> CrossbarStepResult {
        try library.withResults(of: simulated(netlist)) {
            // A device driven into its bound may end a hair outside [0, 1] by the integrator's
            // rounding; the state is bounded, and the next step's netlist requires it.
            let final = try readTrajectories(netlist).map { min(max($0.last!, 0), 1) }
            var energy: StepEnergy?
            if netlist.measuresEnergy {
                // Integrator values at the end of phase 1 (sample slots − 1) and of phase 2 (last).
                func phases(_ vector: String) throws -> [Double] {
                    let v = periodSamples(try library.requiredVector(vector, "energy vector"), of: netlist)
                    guard v.count >= netlist.slotsPerPhase else {
                        throw SpiceError.missingResult("energy vector \(vector) has \(v.count) samples, fewer than one phase")
                    }
                    let first = v[netlist.slotsPerPhase - 1]
                    return [first, v[v.count - 1] - first]
                }
                let perDevice = try netlist.deviceNames.elements.map { try phases($0 + ".e") }
                energy = StepEnergy(
                    devices: [perDevice.map { $0[0] }.reduce(0, +), perDevice.map { $0[1] }.reduce(0, +)],
                    drivers: try phases("pp_drivers"))
            }
            return CrossbarStepResult(
                initialState: netlist.initialStates, finalState: final, devices: netlist.devices, energy: energy)
        }
    }

    /// Simulates `netlist` and returns every device's state sampled once per pulse period, at
    /// `t = T, 2T, …, stopTime` (ngspice's interpolated output leaves out `t = 0`). Pulses lie
    /// inside their periods, so sample `k − 1` is the state after the first `k` pulse slots.
    public func trajectories(_ netlist: CrossbarNetlist) throws -> Matrix<[Double]> {
        try library.withResults(of: simulated(netlist)) { try readTrajectories(netlist) }
    }

    /// ``trajectories(_:)`` and, for a netlist that measures energy, every device's energy at
    /// the end (joules, row-major).
    func trajectoriesAndEnergy(_ netlist: CrossbarNetlist) throws -> (Matrix<[Double]>, [Double]) {
        try library.withResults(of: simulated(netlist)) {
            let paths = try readTrajectories(netlist)
            guard netlist.measuresEnergy else { return (paths, []) }
            return (paths, try netlist.deviceNames.elements.map { try library.requiredVector($0 + ".e", "energy vector").last! })
        }
    }

    /// `vector` of the current results without a sample at t = 0: a transient without `uic`
    /// (a Verilog-A device's) starts from an operating point, which the interpolated output
    /// keeps as its first sample, where a `uic` transient's starts at the first period.
    private func periodSamples(_ vector: [Double], of netlist: CrossbarNetlist) -> [Double] {
        let startsAtZero = netlist.probe == nil && library.vector("time")?.first == 0
        return startsAtZero ? Array(vector.dropFirst()) : vector
    }

    private func readTrajectories(_ netlist: CrossbarNetlist) throws -> Matrix<[Double]> {
        precondition(netlist.dialect == .ngspice, "the SPICE engine runs ngspice netlists")
        let samples = 2 * netlist.slotsPerPhase
        if let model = circuit.device.verilogA, library.vector(netlist.stateVectors.elements[0]) == nil {
            throw VerilogADeviceError.noStateNode(module: model.module, node: model.stateNode)
        }
        return try netlist.stateVectors.map {
            let vector = periodSamples(try library.requiredVector($0, "state vector"), of: netlist)
            // One sample per pulse period, then the transient's end a little later (nothing moves
            // there); a probed netlist keeps every simulator time point.
            if netlist.probe != nil { return vector }
            guard vector.count >= samples else {
                throw SpiceError.missingResult("state vector \($0) has \(vector.count) samples, fewer than one per period (\(samples))")
            }
            return Array(vector.prefix(samples))
        }
    }

    /// Simulates `step` from `states` and returns device `device`'s electrode voltages and
    /// state at every simulator time point (the netlist is built with a probe, without
    /// `.options interp`).
    public func trace(_ step: LearningStep, from states: Matrix<Double>, device: DeviceIndex) throws -> ElectrodeTrace {
        let netlist = try CrossbarNetlist(
            circuit: circuit, step: step, states: states, probe: device, compiledModel: compiledModel, reportsFinalStates: false)
        let stateVector = netlist.stateVectors[device.row, device.col]
        return try library.withResults(of: simulated(netlist)) {
            func vector(_ name: String) throws -> [Double] { try library.requiredVector(name, "probed vector") }
            return ElectrodeTrace(
                device: device, rowPulses: step.rowCounts[device.row], columnPulses: step.columnCounts[device.col],
                coincidences: step.coincidences(row: device.row, col: device.col), time: try vector("time"),
                rowVoltage: try vector("v(\(netlist.probe!.rowNode))"),
                columnVoltage: try vector("v(\(netlist.probe!.columnNode))"), state: try vector("v(\(stateVector))"),
                thresholds: [circuit.device.setThreshold, circuit.device.resetThreshold])
        }
    }

    /// Simulates raw ngspice `text` (its `.control` block runs the analysis) and returns the
    /// vectors `names` of the result, nil where ngspice has no such vector.
    func vectors(simulating text: String, _ names: [String]) throws -> [[Double]?] {
        try library.withResults(of: text) { names.map { library.vector($0) } }
    }

    /// What ngspice prints for `command` (e.g. `devhelp <module>` once the model is loaded).
    func output(of command: String) -> [String] { library.output(of: command) }

    /// The ngspice version string (e.g. `ngspice-39`), as the library reports it.
    public var ngspiceVersion: String { library.capabilities.version }

    /// What made this engine's results: the ngspice version and, when set, its ``relativeTolerance``.
    public var simulatorDescription: String {
        ngspiceVersion + (relativeTolerance.map { " reltol=\(SpiceFormatting.number($0))" } ?? "")
    }

    /// Loads arbitrary netlist text into this engine's simulator (for diagnostics and tests of
    /// error handling) and returns what ngspice printed.
    @discardableResult
    public func load(rawNetlist text: String) throws -> [String] {
        defer { library.clear() }
        return try library.load(text)
    }
}
