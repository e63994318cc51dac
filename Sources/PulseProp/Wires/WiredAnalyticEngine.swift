/// The analytic engine with the crossbar's wires: every pulse slot of both phases is solved as
/// a resistive network (``CrossbarNetwork``: the drivers, every wire segment and every
/// device's present conductance, half-selected and idle lines included, each idle line held at
/// 0 V behind its driver), and each device moves by the calibrated one-pulse response at the
/// voltage it sees (``AmplitudeResponseTable``): a positive `v_row − v_col` potentiates at
/// `|v|`, a negative one depresses at `|v|`, and at or below the threshold nothing moves.
///
/// **Approximation.** Within a slot the devices are linear resistors frozen at their
/// conductance at the slot's start and the sources sit at their plateau value, so the network
/// is solved once per slot; the device then moves by the response the calibration measured for
/// one trapezoidal pulse of that plateau amplitude. The states move between slots, so the next
/// slot sees the new conductances. What this
/// leaves out is the change of the voltages *within* a pulse as devices switch, and the slight
/// difference between the edges' shape under wires and in the calibration (both scale with
/// the plateau in a linear network). docs/engines-and-calibration.md measures the error
/// against SPICE.
///
/// **Solver** (``writeSolver``): by default ``CrossbarLineSolver`` — CG on the row lines'
/// nodes with the column lines eliminated, preconditioned by the row lines, every line an exact
/// tridiagonal solve, nothing factored, started from the previous slot's solution; with
/// ``WiredWriteSolver/cholesky`` CHOLMOD's factor of the step's first slot preconditions CG
/// in the later slots, refactoring when CG needs too many iterations
/// (``CrossbarNetwork/update(conductances:refactor:)``) and, with ``refactorsEachStep``, at
/// the start of every step. Both solve each slot to a relative residual of 1e-12; lines
/// without segments always go to ``CrossbarNetwork``.
///
/// **Tiles** (``CrossbarCircuit/tiling``): each tile is its own network (its own drivers,
/// each repeating the layer's row or column signal, and its own wires), solved in turn per slot
/// from the same slot-start states; the tiles' devices are disjoint, so nothing else changes.
///
/// **Ideal wiring** (both resistances 0): the engine is the wire-free ``AnalyticEngine``, to
/// which it delegates every call, so its results are that engine's bit for bit.
///
/// **Devices.** Variation (``DevicePopulation`` instances: rate factors, own conductances,
/// stuck devices) and cycle-to-cycle noise act as in ``AnalyticEngine``, per slot: the rate
/// factors scale each pulse's dose, which adds up to the same scaled dose over a train.
///
/// **Energy** (with ``estimatesEnergy``): per slot, devices `Σ G·v²·τ` and drivers
/// `Σ V_source·I_source·τ` over every driven line, `τ = plateau + 2·edge/3` (in a linear
/// network every voltage follows the sources' trapezoid), with the slot's frozen conductances,
/// so the drivers' energy is the devices' plus the wires' and drivers' resistances'. Tiles'
/// energies add up (every tile's drivers deliver their own).
public final class WiredAnalyticEngine: CrossbarEngine, PulseResponse {
    public let circuit: CrossbarCircuit
    /// The wire-free engine of the same circuit and calibration: the whole engine with ideal
    /// wiring, and the nominal pulse response (``PulseResponse``) in every case.
    public let wireFree: AnalyticEngine
    /// The one-pulse response over amplitude.
    public let table: AmplitudeResponseTable
    /// The networks of the tiles of the last crossbar size stepped (built again when the size
    /// changes).
    private var networks: [(tile: CrossbarTile, solver: WiredSlotSolver)] = []
    private var networkSize: [Int] = []

    /// The solver of the slots' networks (lines with segments). Read when a network is built.
    public var writeSolver = WiredWriteSolver.lines
    /// With ``WiredWriteSolver/cholesky``: whether each step starts by refactoring with the
    /// step's conductances (else the factor of an earlier step preconditions CG until CG needs
    /// too many iterations).
    public var refactorsEachStep = true
    /// Whether CG starts from the previous slot's node voltages rather than from zero.
    public var warmStarts = true

    /// With ``WiredWriteSolver/cholesky``: whether the network keeps its factor in simplicial
    /// form (``CholeskyFactor``): the slots' solves are one right-hand side each. Read when a
    /// network is built.
    public var simplicialSolves = true

    /// What the network of the last size stepped has done (its first tile's; nil before the
    /// first wired step).
    public var solverCounts: SolverCounts? { networks.first?.solver.counts }

    /// Whether steps also report their energy.
    public var estimatesEnergy: Bool {
        get { wireFree.estimatesEnergy }
        set { wireFree.estimatesEnergy = newValue }
    }

    public var cycleNoise: CycleToCycleNoise? {
        get { wireFree.cycleNoise }
        set { wireFree.cycleNoise = newValue }
    }

    /// Creates an engine for `circuit` from `calibration` (valid, made for the same device and
    /// pulses). With non-ideal wiring the calibration must have an amplitude axis
    /// (``CalibrationError/noAmplitudeAxis(file:command:)``, naming it `calibrationName`).
    public init(circuit: CrossbarCircuit, calibration: PulseResponseCalibration, calibrationName: String = "calibration") throws {
        wireFree = try AnalyticEngine(circuit: circuit, calibration: calibration)
        if !circuit.wiring.isIdeal { try calibration.requireAmplitudeAxis(name: calibrationName) }
        self.circuit = circuit
        table = AmplitudeResponseTable(calibration)
    }

    /// Whether the wires are ideal, so every call goes to ``wireFree``.
    public var delegates: Bool { circuit.wiring.isIdeal }

    public func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
        guard !delegates else { return try wireFree.run(step, from: states) }
        var final = states
        let devices = try prepare(step, &final)
        let initial = final
        let energy = try write(step, to: &final, devices: devices)
        return CrossbarStepResult(initialState: initial, finalState: final, devices: devices, energy: energy)
    }

    @discardableResult
    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws -> StepEnergy? {
        guard !delegates else { return try wireFree.apply(step, to: &states) }
        let devices = try prepare(step, &states)
        return try write(step, to: &states, devices: devices)
    }

    public func state(after pulses: Int, of kind: LearningPhase.Kind, from x: Double) -> Double {
        wireFree.state(after: pulses, of: kind, from: x)
    }

    /// Checks `states` against `step`, pins stuck devices and returns the crossbar's devices.
    private func prepare(_ step: LearningStep, _ states: inout Matrix<Double>) throws -> DevicePopulation {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        let devices = wireFree.population(rows: step.rows, cols: step.cols)
        states = devices.pinned(states)
        return devices
    }

    /// Applies every slot of `step` to `states` in place; the energy when estimated.
    private func write(_ step: LearningStep, to states: inout Matrix<Double>, devices: DevicePopulation) throws -> StepEnergy? {
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let tiles = try networks(rows: step.rows, cols: step.cols, conductances: devices.conductances(states))
        let noise = cycleNoise?.factors(for: step)
        let measure = estimatesEnergy
        var deviceEnergy = [Double](repeating: 0, count: step.phases.count)
        var driverEnergy = deviceEnergy
        var first = true
        for (_, solver) in tiles { solver.warmStarts = warmStarts }
        var voltages = tiles.map { _ in Matrix<Double>(rows: 0, cols: 0, elements: []) }
        for (p, phase) in step.phases.enumerated() {
            for slot in 0..<step.slotsPerPhase {
                let drive = LineDrive.slot(slot, of: phase, shape: shape)
                guard drive.rows.contains(where: { $0 != 0 }) || drive.columns.contains(where: { $0 != 0 }) else { continue }
                let g = devices.conductances(states)
                // Every tile sees the slot-start states: the tiles' devices are disjoint.
                for (t, (tile, solver)) in tiles.enumerated() {
                    let local = g.block(tile)
                    try solver.update(conductances: local, first: first)
                    let tileDrive = drive.tile(tile)
                    let starts = try solver.solve(tileDrive, deviceVoltages: &voltages[t])
                    if measure {
                        let (d, s) = energy(of: tileDrive, voltages: voltages[t], starts: starts, conductances: local, endConductance: solver.endConductance)
                        deviceEnergy[p] += d * tau
                        driverEnergy[p] += s * tau
                    }
                }
                first = false
                for (t, (tile, _)) in tiles.enumerated() {
                    voltages[t].elements.withUnsafeBufferPointer { v in
                        var n = 0
                        for i in tile.rows {
                            for j in tile.cols {
                                defer { n += 1 }
                                let v = v[n]
                                guard v != 0 else { continue }
                                let potentiating = v > 0
                                let x = states[i, j]
                                let next = table.state(afterPulseOf: potentiating ? .potentiation : .depression, amplitude: abs(v), from: x)
                                guard next != x else { continue }
                                states[i, j] = devices.state(
                                    afterNominal: next, from: x, row: i, col: j, potentiating: potentiating, noise: noise?[i, j])
                            }
                        }
                    }
                }
            }
        }
        return measure ? StepEnergy(devices: deviceEnergy, drivers: driverEnergy) : nil
    }

    /// Power in the devices, `Σ G·v²`, and delivered by the sources, `Σ V·I` over every line,
    /// watts, for one drive's device voltages and first-node voltages (rows then columns).
    private func energy(
        of drive: LineDrive, voltages: Matrix<Double>, starts: [Double], conductances g: Matrix<Double>, endConductance: Double
    ) -> (devices: Double, drivers: Double) {
        var devices = 0.0
        for (g, v) in zip(g.elements, voltages.elements) { devices += g * v * v }
        var drivers = 0.0
        for (k, v) in (drive.rows + drive.columns).enumerated() where v != 0 { drivers += v * (v - starts[k]) * endConductance }
        return (devices, drivers)
    }

    /// The networks of the tiles of a `rows × cols` crossbar (``CrossbarCircuit/tiles(rows:cols:)``),
    /// built from `conductances` when the size changes.
    private func networks(rows: Int, cols: Int, conductances: Matrix<Double>) throws -> [(tile: CrossbarTile, solver: WiredSlotSolver)] {
        if networkSize == [rows, cols] { return networks }
        let wiring = circuit.wiring
        networks = try circuit.tiles(rows: rows, cols: cols).map { tile in
            let local = conductances.block(tile)
            if writeSolver == .lines, wiring.segmentResistance > 0 { return (tile, try CrossbarLineSolver(wiring: wiring, conductances: local)) }
            let network = try CrossbarNetwork(wiring: wiring, conductances: local, simplicialSolves: simplicialSolves)
            return (tile, CholeskySlotSolver(network, refactorsEachStep: refactorsEachStep))
        }
        networkSize = [rows, cols]
        return networks
    }
}
