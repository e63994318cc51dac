/// Measures a device's per-pulse response in ngspice and writes it as a calibration.
///
/// One transient of a `G × 2` crossbar does it: row `g` starts both its devices at grid state
/// `g/(G−1)`; every row sends `N` pulses in each phase, and each phase has one column of its
/// own (`n_δ = −N` for potentiation, `+N` for depression). Sampling each state once per period
/// gives whole `N`-pulse sequences from every grid state. Every pulse of every sequence is a sample of the one-pulse
/// response `F` (see `ResponseFitting`); the fit error says how well iterating `F`
/// reproduces the sequences.
public struct SpiceCalibrator {
    /// The circuit whose device and pulses are calibrated, without device variation: the
    /// table is the nominal device's, and the analytic engine derives each varied device's
    /// response from it.
    public let circuit: CrossbarCircuit
    /// Number of grid states (≥ 2).
    public let gridStates: Int
    /// Pulses per sequence (≥ 1).
    public let pulses: Int

    /// Creates a calibrator; defaults to 101 grid states and 100-pulse sequences.
    public init(circuit: CrossbarCircuit, gridStates: Int = 101, pulses: Int = 100) throws {
        try circuit.validate()
        try require(gridStates >= 2, "grid", "must be ≥ 2 states, got \(gridStates)")
        try require(pulses >= 1, "levels", "must be ≥ 1 pulse, got \(pulses)")
        try require(circuit.wiring.isIdeal, "wire-resistance", "calibration sweeps use ideal wires")
        var nominal = circuit
        nominal.variation = .none
        self.circuit = nominal
        self.gridStates = gridStates
        self.pulses = pulses
    }

    /// Runs the sweep in `engine` (which must simulate `circuit`).
    public func calibrate(with engine: SpiceEngine) throws -> PulseResponseCalibration {
        let grid = (0..<gridStates).map { Double($0) / Double(gridStates - 1) }
        let step = try LearningStep(
            rowCounts: [Int](repeating: pulses, count: gridStates), columnCounts: [-pulses, pulses], slotsPerPhase: pulses)
        let states = Matrix(rows: gridStates, cols: 2) { g, _ in grid[g] }
        let netlist = try CrossbarNetlist(circuit: circuit, step: step, states: states, title: "PulseProp calibration sweep",
            reportsFinalStates: false)
        let samples = try engine.trajectories(netlist)
        // Sample k − 1 is the state after k slots; phase p occupies slots pN+1 … (p+1)N.
        guard samples[0, 0].count == step.phases.count * pulses else {
            throw SpiceError.missingResult("expected \(step.phases.count * pulses) samples per device, got \(samples[0, 0].count)")
        }
        /// Every grid state's sequence through the phase of `kind`, on the column that pulses in it.
        func runs(_ kind: LearningPhase.Kind) -> [[Double]] {
            let p = step.phases.firstIndex { $0.kind == kind }!
            let column = step.phases[p].columnCounts.firstIndex { $0 > 0 }!
            return (0..<gridStates).map { [grid[$0]] + samples[$0, column][(p * pulses)..<((p + 1) * pulses)] }
        }
        let (setRuns, resetRuns) = (runs(.potentiation), runs(.depression))
        var table = PulseResponseCalibration(
            source: "ngspice", origin: engine.ngspiceVersion, device: circuit.device, shape: circuit.shape,
            onConductance: circuit.device.onConductance, offConductance: circuit.device.offConductance, states: grid,
            potentiation: ResponseFitting.table(setRuns, grid: grid, potentiating: true),
            depression: ResponseFitting.table(resetRuns, grid: grid, potentiating: false),
            fit: .init(rmsStateError: 0, maxStateError: 0, samples: 0))
        table.fit = ResponseFitting.fitError(table, setRuns: setRuns, resetRuns: resetRuns)
        try table.validate()
        return table
    }
}
