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
    private let device: ThresholdMemristor
    private let library: NgspiceLibrary

    /// Opens a private ngspice instance for `circuit`; throws if the circuit is invalid or
    /// libngspice cannot be loaded.
    public init(circuit: CrossbarCircuit) throws {
        try circuit.validate()
        self.circuit = circuit
        self.device = try ThresholdMemristor(circuit.device)
        self.library = try NgspiceLibrary()
    }

    /// Number of times the simulator was reloaded after a fatal ngspice error.
    public var reloads: Int { library.reloads }

    /// The ngspice netlist this engine simulates for `step` from `states`.
    public func netlist(for step: LearningStep, from states: Matrix<Double>) throws -> CrossbarNetlist {
        try CrossbarNetlist(circuit: circuit, step: step, states: states)
    }

    public func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
        try simulate(netlist(for: step, from: states), from: states)
    }

    /// Simulates an already built ngspice `netlist` whose devices start at `states`.
    public func simulate(_ netlist: CrossbarNetlist, from states: Matrix<Double>) throws -> CrossbarStepResult {
        let final = try trajectories(netlist).map { $0.last! }
        return CrossbarStepResult(initialState: states, finalState: final, device: device)
    }

    /// Simulates `netlist` and returns every device's state sampled once per pulse period, at
    /// `t = T, 2T, …, stopTime` (ngspice's interpolated output leaves out `t = 0`). Pulses lie
    /// inside their periods, so sample `k − 1` is the state after the first `k` pulse slots.
    public func trajectories(_ netlist: CrossbarNetlist) throws -> Matrix<[Double]> {
        precondition(netlist.dialect == .ngspice, "the SPICE engine runs ngspice netlists")
        try library.load(netlist.text)
        defer { library.clear() }
        return try netlist.deviceNames.map { name -> [Double] in
            guard let values = library.vector(name + ".s"), !values.isEmpty else {
                throw SpiceError.missingResult("no state vector \(name).s after the transient")
            }
            return values
        }
    }

    /// The ngspice version string (e.g. `ngspice-39`), as the library reports it.
    public var ngspiceVersion: String { library.version }

    /// Loads arbitrary netlist text into this engine's simulator (for diagnostics and tests of
    /// error handling) and returns what ngspice printed.
    @discardableResult
    public func load(rawNetlist text: String) throws -> [String] {
        defer { library.clear() }
        return try library.load(text)
    }
}
