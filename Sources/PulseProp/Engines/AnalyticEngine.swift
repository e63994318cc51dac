/// The fast engine: each device moves by its calibrated per-pulse response, applied once per
/// coincident pulse, with no circuit simulation.
///
/// In each of the step's ``LearningStep/phases``, device `(i, j)` gets `k = min(rows_i,
/// columns_j)` coincidences and moves to `F^k(x)`, where `F` is the one-pulse response of
/// that phase's kind (state-dependent, bounded, from a
/// ``PulseResponseCalibration``). Half-selected devices (`k = 0`) do not move. The model
/// ignores wire resistance: `pulseprop validate` measures where that stops being valid.
public final class AnalyticEngine: CrossbarEngine, PulseResponse {
    public let circuit: CrossbarCircuit
    /// The calibration in use.
    public let calibration: PulseResponseCalibration
    var up: ResponseTable
    var down: ResponseTable
    /// The devices of the last crossbar size stepped (drawn again when the size changes).
    private(set) var devices: DevicePopulation

    /// Whether steps also estimate their energy from the device model (costs one more pass).
    public var estimatesEnergy = false
    /// Cycle-to-cycle variation applied to every written device (nil: none).
    public var cycleNoise: CycleToCycleNoise?

    /// Creates an engine for `circuit` from `calibration`, which must be valid and made for the
    /// same device and pulses.
    public init(circuit: CrossbarCircuit, calibration: PulseResponseCalibration) throws {
        try circuit.validate()
        try calibration.validate()
        try calibration.requireMatch(circuit)
        self.circuit = circuit
        self.calibration = calibration
        devices = circuit.population(rows: 0, cols: 0)
        up = ResponseTable(grid: calibration.states, step: calibration.potentiation)
        down = ResponseTable(grid: calibration.states, step: calibration.depression)
    }

    public func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        let devices = population(rows: step.rows, cols: step.cols)
        let states = devices.pinned(states)
        var final = states
        final.elements.withUnsafeMutableBufferPointer { buffer in
            apply(step, to: buffer)
        }
        return CrossbarStepResult(
            initialState: states, finalState: final, devices: devices,
            energy: estimatesEnergy ? energy(of: step, from: states, to: final) : nil)
    }

    @discardableResult
    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws -> StepEnergy? {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        population(rows: step.rows, cols: step.cols).pin(&states)
        // Only the devices on a pulsing row and a pulsing column can move: their starting
        // states are all the energy estimate needs besides the final ones (no copy of the crossbar).
        let start = estimatesEnergy ? StepStartStates(step, states) : nil
        states.elements.withUnsafeMutableBufferPointer { apply(step, to: $0) }
        guard let start else { return nil }
        let after = states
        return energy(of: step, after: after) { i, j in start.state(row: i, col: j) ?? after[i, j] }
    }

    /// The device model's estimate of a step's energy: a pulse of amplitude `u` on a device of
    /// conductance `G` dissipates `G·u²·(plateau + 2·edge/3)` (the edges are linear ramps).
    /// Coincident pulses see the full amplitude, half-selected ones half of it; `G` is taken at
    /// the mean of the states before and after the phase the device switches in (its column
    /// pulses), before that phase at the initial state and after it at the final one. With
    /// ideal wires every joule the drivers deliver ends in a device.
    public func energy(of step: LearningStep, from before: Matrix<Double>, to after: Matrix<Double>) -> StepEnergy {
        energy(of: step, after: after) { before[$0, $1] }
    }

    /// ``energy(of:from:to:)`` with the starting state of device `(i, j)` given by `before`.
    func energy(of step: LearningStep, after: Matrix<Double>, before: (Int, Int) -> Double) -> StepEnergy {
        devices.instances == nil ? nominalEnergy(of: step, after: after, before: before) : energyByDevice(of: step, after: after, before: before)
    }

    /// ``energy(of:after:before:)`` for a crossbar of nominal devices, whose conductance
    /// `G_off + (G_on − G_off)·x` is linear in the state: on a pulsing row the devices of the
    /// columns no phase pulses (unmoved, half-selected) are summed as the row's states, the
    /// others term by term as in ``energyByDevice(of:after:before:)``. The same sum in another
    /// order (equal to rounding, ~1e-15 relative), with one pass of additions per pulsing row
    /// instead of a conductance per device.
    func nominalEnergy(of step: LearningStep, after: Matrix<Double>, before: (Int, Int) -> Double) -> StepEnergy {
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let (gOff, gSpan) = (devices.nominal.offConductance, devices.nominal.onConductance - devices.nominal.offConductance)
        let cols = step.cols
        var phases = [Double](repeating: 0, count: step.phases.count)
        var switched = [Bool](repeating: false, count: cols)
        var quiet = [Double](repeating: 1, count: cols)  // 1 on the columns no phase pulses, else 0
        for j in step.pulsingColumns { quiet[j] = 0 }
        let quietColumns = Double(cols - step.pulsingColumns.count)
        after.elements.withUnsafeBufferPointer { x1s in
            quiet.withUnsafeBufferPointer { quiet in
                for (p, phase) in step.phases.enumerated() {
                    let u = shape.amplitude(of: phase.kind)
                    let u2 = u * u
                    var sum = 0.0
                    @inline(__always) func add(_ i: Int, _ j: Int, _ r: Int) {
                        let c = phase.columnCounts[j]
                        let x1 = x1s[i * cols + j]
                        let k = min(r, c)
                        let state = c > 0 ? (before(i, j) + x1) / 2 : switched[j] ? x1 : before(i, j)
                        sum += (gOff + gSpan * state) * tau * (Double(k) * u2 + Double(r + c - 2 * k) * u2 / 4)
                    }
                    for i in phase.pulsingRows {
                        let r = phase.rowCounts[i]
                        var states = 0.0
                        for j in 0..<cols { states += quiet[j] * x1s[i * cols + j] }
                        sum += (quietColumns * gOff + gSpan * states) * tau * Double(r) * u2 / 4
                        for j in step.pulsingColumns { add(i, j, r) }
                    }
                    // Rows that sit this phase out send no pulse in the step at all (a row's count
                    // is the same in every phase that has rows), so their devices on this phase's
                    // pulsing columns are half-selected and unmoved: each column's share is summed
                    // from its states.
                    let columns = phase.pulsingColumns
                    if !columns.isEmpty {
                        var stateSums = [Double](repeating: 0, count: columns.count)
                        let quietRows = step.rows - phase.pulsingRows.count
                        for i in 0..<step.rows where phase.rowCounts[i] == 0 {
                            let row = x1s.baseAddress! + i * cols
                            for (c, j) in columns.enumerated() { stateSums[c] += row[j] }
                        }
                        for (c, j) in columns.enumerated() {
                            sum += (Double(quietRows) * gOff + gSpan * stateSums[c]) * tau * Double(phase.columnCounts[j]) * u2 / 4
                        }
                    }
                    for j in phase.pulsingColumns { switched[j] = true }
                    phases[p] = sum
                }
            }
        }
        return StepEnergy(devices: phases, drivers: phases)
    }

    /// ``energy(of:after:before:)`` device by device, each with its own conductance (any population).
    func energyByDevice(of step: LearningStep, after: Matrix<Double>, before: (Int, Int) -> Double) -> StepEnergy {
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let cols = step.cols
        var phases = [Double](repeating: 0, count: step.phases.count)
        var switched = [Bool](repeating: false, count: cols)
        after.elements.withUnsafeBufferPointer { x1s in
            for (p, phase) in step.phases.enumerated() {
                let u = shape.amplitude(of: phase.kind)
                let u2 = u * u
                var sum = 0.0
                phase.rowCounts.withUnsafeBufferPointer { rowCounts in
                    phase.columnCounts.withUnsafeBufferPointer { columnCounts in
                        // One device's term; a device whose row and column both sit out the phase
                        // adds an exact zero, so each row that does not pulse visits the pulsing
                        // columns only (same terms, same order).
                        @inline(__always) func add(_ i: Int, _ j: Int, _ r: Int) {
                            let c = columnCounts[j]
                            let x1 = x1s[i * cols + j]
                            let k = min(r, c)
                            let state = c > 0 ? (before(i, j) + x1) / 2 : switched[j] ? x1 : before(i, j)
                            let g = devices.conductance(state: state, row: i, col: j)
                            sum += g * tau * (Double(k) * u2 + Double(r + c - 2 * k) * u2 / 4)
                        }
                        let pulsing = phase.pulsingColumns
                        for i in 0..<step.rows {
                            let r = rowCounts[i]
                            if r > 0 {
                                for j in 0..<cols { add(i, j, r) }
                            } else {
                                for j in pulsing { add(i, j, 0) }
                            }
                        }
                        for j in pulsing { switched[j] = true }
                    }
                }
                phases[p] = sum
            }
        }
        return StepEnergy(devices: phases, drivers: phases)
    }

    /// The devices of a `rows × cols` crossbar of ``circuit``, drawn once per size.
    func population(rows: Int, cols: Int) -> DevicePopulation {
        if devices.rows != rows || devices.cols != cols { devices = circuit.population(rows: rows, cols: cols) }
        return devices
    }

    /// Applies `step` in place to row-major `states` (`rows × cols`), phase by phase,
    /// allocating nothing per device. Under variation each device takes its own response
    /// (``DeviceInstance/state(afterNominal:from:potentiating:nominal:)``) and stuck devices
    /// sit at their stuck states.
    public func apply(_ step: LearningStep, to states: UnsafeMutableBufferPointer<Double>) {
        let cols = step.cols
        precondition(states.count == step.rows * cols, "state buffer does not match the step")
        let longest = min(step.longestRowTrain, step.longestColumnTrain)
        up.extend(to: longest)
        down.extend(to: longest)
        let population = population(rows: step.rows, cols: cols)
        let instances = population.instances
        let noise = cycleNoise?.factors(for: step)
        for (k, stuck) in population.stuck { states[k] = stuck }
        for phase in step.phases {
            let table = phase.kind == .potentiation ? up : down
            // Only the rows and columns that pulse in this phase, so every device is visited at
            // most once per step.
            let pulsing = phase.pulsingColumns
            let potentiating = phase.kind == .potentiation
            for i in phase.pulsingRows {
                let r = phase.rowCounts[i]
                let row = states.baseAddress! + i * cols
                guard instances != nil || noise != nil else {
                    for j in pulsing { row[j] = table.state(after: min(r, phase.columnCounts[j]), from: row[j]) }
                    continue
                }
                for j in pulsing {
                    row[j] = devices.state(
                        afterNominal: table.state(after: min(r, phase.columnCounts[j]), from: row[j]), from: row[j], row: i, col: j,
                        potentiating: potentiating, noise: noise?[i, j])
                }
            }
        }
    }

    public func state(after pulses: Int, of kind: LearningPhase.Kind, from x: Double) -> Double {
        guard pulses > 0 else { return x }
        switch kind {
        case .potentiation:
            up.extend(to: pulses)
            return up.state(after: pulses, from: x)
        case .depression:
            down.extend(to: pulses)
            return down.state(after: pulses, from: x)
        }
    }
}
