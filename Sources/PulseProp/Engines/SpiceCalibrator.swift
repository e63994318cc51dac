/// Measures a device's per-pulse response in ngspice and writes it as a calibration.
///
/// One transient of a `G × 2` crossbar does it: row `g` starts both its devices at grid state
/// `g/(G−1)`; every row sends `N` pulses in each phase, and each phase has one column of its
/// own (`n_δ = −N` for potentiation, `+N` for depression). Sampling each state once per period
/// gives whole `N`-pulse sequences from every grid state. Every pulse of every sequence is a sample of the one-pulse
/// response `F` (see `ResponseFitting`); the fit error says how well iterating `F`
/// reproduces the sequences.
///
/// The amplitude axis (``AmplitudeAxis``) repeats the sweep, with ``amplitudePulses``-pulse
/// sequences, at every node of ``AmplitudeGrid`` above the switching threshold (the SET and
/// RESET nodes of one index share a transient; nodes at or below the threshold are the dead
/// zone's no movement), and measures the interpolation error with one-pulse sweeps midway
/// between nodes. The nominal slice is the nominal table itself.
public struct SpiceCalibrator {
    /// The circuit whose device and pulses are calibrated, without device variation: the
    /// table is the nominal device's, and the analytic engine derives each varied device's
    /// response from it.
    public let circuit: CrossbarCircuit
    /// Number of grid states (≥ 2).
    public let gridStates: Int
    /// Pulses per sequence at the nominal amplitude (≥ 1).
    public let pulses: Int
    /// Pulses per sequence at the amplitude axis's nodes (≥ 1), which measure each slice's fit error.
    public let amplitudePulses: Int

    /// Creates a calibrator; defaults to 101 grid states, 100-pulse sequences at the nominal
    /// amplitude and 10-pulse ones on the amplitude axis.
    public init(circuit: CrossbarCircuit, gridStates: Int = 101, pulses: Int = 100, amplitudePulses: Int = 10) throws {
        try circuit.validate()
        try require(gridStates >= 2, "grid", "must be ≥ 2 states, got \(gridStates)")
        try require(pulses >= 1, "levels", "must be ≥ 1 pulse, got \(pulses)")
        try require(amplitudePulses >= 1, "amplitude-pulses", "must be ≥ 1 pulse, got \(amplitudePulses)")
        try require(circuit.wiring.isIdeal, "wire-resistance", "calibration sweeps use ideal wires")
        try require(circuit.tiling.isWhole, circuit.tiling.rows != nil ? "tile-rows" : "tile-cols", "calibration sweeps use untiled crossbars")
        var nominal = circuit
        nominal.variation = .none
        self.circuit = nominal
        self.gridStates = gridStates
        self.pulses = pulses
        self.amplitudePulses = amplitudePulses
    }

    /// The grid of states.
    private var grid: [Double] { (0..<gridStates).map { Double($0) / Double(gridStates - 1) } }

    /// The nominal tables and the amplitude axis, measured in `engines` (one or more
    /// simulators; the amplitude axis's sweeps run on them in parallel).
    public func calibrate(with engines: [SpiceEngine]) throws -> PulseResponseCalibration {
        try withAmplitudeAxis(try nominal(with: engines[0]), with: engines)
    }

    /// ``calibrate(with:)-([SpiceEngine])`` on one simulator.
    public func calibrate(with engine: SpiceEngine) throws -> PulseResponseCalibration {
        try calibrate(with: [engine])
    }

    /// The nominal tables only (what schema version 1 held), from the full-amplitude sweep.
    public func nominal(with engine: SpiceEngine) throws -> PulseResponseCalibration {
        let (setRuns, resetRuns) = try sweep(circuit.shape, pulses: pulses, title: "PulseProp calibration sweep", engine: engine)
        var table = PulseResponseCalibration(
            source: "ngspice", origin: engine.simulatorDescription, device: circuit.device, shape: circuit.shape,
            onConductance: circuit.device.onConductance, offConductance: circuit.device.offConductance, states: grid,
            potentiation: ResponseFitting.table(setRuns, grid: grid, potentiating: true),
            depression: ResponseFitting.table(resetRuns, grid: grid, potentiating: false),
            fit: .init(rmsStateError: 0, maxStateError: 0, samples: 0))
        table.fit = ResponseFitting.fitError(table, setRuns: setRuns, resetRuns: resetRuns)
        try table.validate()
        return table
    }

    /// `base` (this circuit's nominal calibration, e.g. a schema version 1 file, whose tables
    /// are kept bit for bit) with the amplitude axis measured in `engines`.
    public func withAmplitudeAxis(_ base: PulseResponseCalibration, with engines: [SpiceEngine]) throws -> PulseResponseCalibration {
        try require(!engines.isEmpty, "jobs", "needs at least one simulator")
        try base.requireMatch(circuit, name: "the calibration to extend")
        try require(
            base.states == grid, "grid", "the calibration to extend has \(base.states.count) grid states, not \(gridStates)")
        let device = circuit.device
        let shape = circuit.shape
        let setNodes = AmplitudeGrid.nodes(threshold: device.setThreshold, nominal: shape.setAmplitude)
        let resetNodes = AmplitudeGrid.nodes(threshold: device.resetThreshold, nominal: shape.resetAmplitude)
        let setMid = AmplitudeGrid.midpoints(setNodes, threshold: device.setThreshold)
        let resetMid = AmplitudeGrid.midpoints(resetNodes, threshold: device.resetThreshold)
        // Node sweeps (above both thresholds), then one-pulse sweeps midway between nodes.
        let switching = setNodes.indices.filter { setNodes[$0] > device.setThreshold && resetNodes[$0] > device.resetThreshold }
        var jobs = switching.map { (set: setNodes[$0], reset: resetNodes[$0], pulses: amplitudePulses) }
        jobs += zip(setMid, resetMid).map { (set: $0, reset: $1, pulses: 1) }
        let results = try SpiceEnginePool.parallel(jobs.count, on: engines) { k, engine in
            var pulseShape = shape
            pulseShape.setAmplitude = jobs[k].set
            pulseShape.resetAmplitude = jobs[k].reset
            return try sweep(pulseShape, pulses: jobs[k].pulses, title: "PulseProp amplitude calibration sweep", engine: engine)
        }
        func measured(_ nodes: [Double], potentiating: Bool) -> [AmplitudeAxisFitting.Measured] {
            nodes.indices.map { a in
                guard let k = switching.firstIndex(of: a) else { return .deadZone(nodes[a]) }
                return .init(amplitude: nodes[a], runs: potentiating ? results[k].set : results[k].reset)
            }
        }
        var calibration = base
        calibration.schemaVersion = PulseResponseCalibration.currentSchemaVersion
        calibration.amplitudeAxis = AmplitudeAxisFitting.axis(
            origin: engines[0].simulatorDescription, states: grid,
            potentiation: (measured(setNodes, potentiating: true), shape.setAmplitude, base.potentiation),
            depression: (measured(resetNodes, potentiating: false), shape.resetAmplitude, base.depression))
        // Interpolated against the one-pulse sweeps: the state after the first pulse from each grid state.
        let table = AmplitudeResponseTable(calibration)
        let checks = results[switching.count...]
        calibration.amplitudeAxis!.potentiation.interpolationCheck = .init(
            table, .potentiation, amplitudes: setMid, measured: checks.map { $0.set.map { $0[1] } })
        calibration.amplitudeAxis!.depression.interpolationCheck = .init(
            table, .depression, amplitudes: resetMid, measured: checks.map { $0.reset.map { $0[1] } })
        try calibration.validate()
        return calibration
    }

    /// Every grid state's `pulses`-pulse sequence of each polarity at the amplitudes of
    /// `pulseShape` (each starting with the grid state), from one transient in `engine`.
    private func sweep(
        _ pulseShape: PulseShape, pulses: Int, title: String, engine: SpiceEngine
    ) throws -> (set: [[Double]], reset: [[Double]]) {
        var swept = circuit
        swept.shape = pulseShape
        let grid = grid
        let step = try LearningStep(
            rowCounts: [Int](repeating: pulses, count: gridStates), columnCounts: [-pulses, pulses], slotsPerPhase: pulses)
        let states = Matrix(rows: gridStates, cols: 2) { g, _ in grid[g] }
        let netlist = try CrossbarNetlist(circuit: swept, step: step, states: states, title: title, reportsFinalStates: false)
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
        return (runs(.potentiation), runs(.depression))
    }
}
