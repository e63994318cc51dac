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
/// slot sees the new conductances: the network keeps its factor and solves by CG
/// preconditioned with the stale factor, refactoring when CG needs too many iterations
/// (``CrossbarNetwork/update(conductances:refactor:)``) and, with ``refactorsEachStep``, at
/// the start of every step. What this
/// leaves out is the change of the voltages *within* a pulse as devices switch, and the slight
/// difference between the edges' shape under wires and in the calibration (both scale with
/// the plateau in a linear network). docs/engines-and-calibration.md measures the error
/// against SPICE.
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
    private var networks: [(tile: CrossbarTile, network: CrossbarNetwork)] = []
    private var networkSize: [Int] = []

    /// Whether each step starts by refactoring with the step's conductances (else the factor of
    /// an earlier step preconditions CG until CG needs too many iterations).
    public var refactorsEachStep = true
    /// Whether stale-factor CG starts from the previous slot's node voltages (``CrossbarNetwork/warmStarts``).
    public var warmStarts = true

    /// Whether the network keeps its factor in simplicial form (``CholeskyFactor``): the
    /// slots' solves are one right-hand side each. Read when a network is built.
    public var simplicialSolves = true

    /// What the network of the last size stepped has done (its first tile's; nil before the
    /// first wired step).
    public var solverCounts: SolverCounts? { networks.first?.network.counts }

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
        for (_, network) in tiles { network.warmStarts = warmStarts }
        for (p, phase) in step.phases.enumerated() {
            for slot in 0..<step.slotsPerPhase {
                let drive = LineDrive.slot(slot, of: phase, shape: shape)
                guard drive.rows.contains(where: { $0 != 0 }) || drive.columns.contains(where: { $0 != 0 }) else { continue }
                let g = devices.conductances(states)
                // Every tile sees the slot-start states: the tiles' devices are disjoint.
                var voltages: [(tile: CrossbarTile, network: CrossbarNetwork, nodes: [Double])] = []
                for (tile, network) in tiles {
                    let local = g.block(tile)
                    try network.update(conductances: local, refactor: first && refactorsEachStep)
                    let tileDrive = drive.tile(tile)
                    let nodes = try network.nodeVoltages([tileDrive])[0]
                    if measure {
                        let (d, s) = energy(of: tileDrive, nodes: nodes, conductances: local, network: network)
                        deviceEnergy[p] += d * tau
                        driverEnergy[p] += s * tau
                    }
                    voltages.append((tile, network, nodes))
                }
                first = false
                for (tile, network, nodes) in voltages {
                    for (a, i) in tile.rows.enumerated() {
                        for (b, j) in tile.cols.enumerated() {
                            let v = nodes[network.rowNode(a, b)] - nodes[network.columnNode(b, a)]
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
        return measure ? StepEnergy(devices: deviceEnergy, drivers: driverEnergy) : nil
    }

    /// Power in the devices, `Σ G·v²`, and delivered by the sources, `Σ V·I` over every line,
    /// watts, for one drive's node voltages.
    private func energy(
        of drive: LineDrive, nodes: [Double], conductances g: Matrix<Double>, network: CrossbarNetwork
    ) -> (devices: Double, drivers: Double) {
        var devices = 0.0
        for i in 0..<g.rows {
            for j in 0..<g.cols {
                let v = nodes[network.rowNode(i, j)] - nodes[network.columnNode(j, i)]
                devices += g[i, j] * v * v
            }
        }
        var drivers = 0.0
        for (i, v) in drive.rows.enumerated() where v != 0 {
            drivers += v * (v - nodes[network.rowNode(i, 0)]) * network.endConductance
        }
        for (j, v) in drive.columns.enumerated() where v != 0 {
            drivers += v * (v - nodes[network.columnNode(j, 0)]) * network.endConductance
        }
        return (devices, drivers)
    }

    /// The networks of the tiles of a `rows × cols` crossbar (``CrossbarCircuit/tiles(rows:cols:)``),
    /// built from `conductances` when the size changes.
    private func networks(rows: Int, cols: Int, conductances: Matrix<Double>) throws -> [(tile: CrossbarTile, network: CrossbarNetwork)] {
        if networkSize == [rows, cols] { return networks }
        networks = try circuit.tiles(rows: rows, cols: cols).map {
            ($0, try CrossbarNetwork(wiring: circuit.wiring, conductances: conductances.block($0), simplicialSolves: simplicialSolves))
        }
        networkSize = [rows, cols]
        return networks
    }
}
