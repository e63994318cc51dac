/// Reads crossbars in ngspice: the operating point of ``CrossbarReadNetlist`` gives every
/// column's current less the reference column's, `I_j − I_ref = Σ_i (G_ij − G_ref)·v_i`
/// with whatever the wires and drivers take away. With tiles (``CrossbarCircuit/tiling``) every
/// tile is its own read netlist (own drivers, wires, sense sources and reference column), simulated
/// in turn, and the tiles' currents are added. One reader is one simulator instance.
public final class SpiceReader: CrossbarReader {
    public let circuit: CrossbarCircuit
    public let readVoltage: Double
    public var label: String { "SPICE read" }
    private let library: NgspiceLibrary

    /// Opens a private ngspice instance solving with `solver`; `readVoltage` must lie in
    /// `(0, min(V_set, V_reset))`.
    public init(circuit: CrossbarCircuit, readVoltage: Double = 0.2, solver: SpiceSolver = .auto) throws {
        try circuit.validate()
        try circuit.checkReadVoltage(readVoltage)
        self.circuit = circuit
        self.readVoltage = readVoltage
        library = try NgspiceLibrary(solver: solver)
    }

    /// Column currents minus the reference column's current, A, for devices at `states` and
    /// row voltages `voltages` (each of magnitude at most ``readVoltage``); with tiles, each
    /// tile's operating point in turn, its partial sums added.
    public func differentialCurrents(states: Matrix<Double>, voltages: [Double]) throws -> [Double] {
        let population = circuit.population(rows: states.rows, cols: states.cols)
        return try circuit.tiledDifferentialCurrents(states: states, voltages: [voltages]) { tile, states, voltages in
            [try differentialCurrents(devices: population.tile(tile), states: states, voltages: voltages[0])]
        }[0]
    }

    /// One crossbar's (one tile's) read.
    private func differentialCurrents(devices: DevicePopulation, states: Matrix<Double>, voltages: [Double]) throws -> [Double] {
        let netlist = try CrossbarReadNetlist(circuit: circuit, states: states, voltages: voltages, population: devices)
        let currents = try library.withResults(of: netlist.text) {
            try netlist.senseSources.map { try library.requiredVector("\($0)#branch", "sense-source current")[0] }
        }
        let reference = currents.last!
        return currents.dropLast().map { $0 - reference }
    }

    /// One ngspice operating point per read, in turn; an error names the read it stopped at.
    public func differentialCurrents(states: Matrix<Double>, voltages: [[Double]]) throws -> [[Double]] {
        try voltages.enumerated().map { b, v in
            try CircuitStepError.at("read \(b + 1) of \(voltages.count)") { try differentialCurrents(states: states, voltages: v) }
        }
    }
}
