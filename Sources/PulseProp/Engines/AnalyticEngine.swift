/// The fast engine: each device moves by its calibrated per-pulse response, applied once per
/// coincident pulse, with no circuit simulation.
///
/// Device `(i, j)` gets `k = min(n_x, |n_δ|)` coincidences in the phase its column takes part
/// in (potentiation for `n_δ < 0`, depression for `n_δ > 0`) and ends at `F^k(x)`, where `F`
/// is the one-pulse response of that polarity (state-dependent, bounded, from a
/// ``PulseResponseCalibration``). Half-selected devices (`k = 0`) do not move. The model
/// ignores wire resistance: `pulseprop validate` measures where that stops being valid.
public final class AnalyticEngine: CrossbarEngine {
    public let circuit: CrossbarCircuit
    /// The calibration in use.
    public let calibration: PulseResponseCalibration
    private var up: ResponseTable
    private var down: ResponseTable
    private let device: ThresholdMemristor

    /// Whether steps also estimate their energy from the device model (costs one more pass).
    public var estimatesEnergy = false

    /// Creates an engine for `circuit` from `calibration`, which must be valid and made for the
    /// same device and pulses.
    public init(circuit: CrossbarCircuit, calibration: PulseResponseCalibration) throws {
        try circuit.validate()
        try calibration.validate()
        try calibration.requireMatch(circuit)
        self.circuit = circuit
        self.calibration = calibration
        device = try ThresholdMemristor(circuit.device)
        up = ResponseTable(grid: calibration.states, step: calibration.potentiation)
        down = ResponseTable(grid: calibration.states, step: calibration.depression)
    }

    public func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        var final = states
        final.elements.withUnsafeMutableBufferPointer { buffer in
            apply(rowCounts: step.rowCounts, columnCounts: step.columnCounts, to: buffer)
        }
        return CrossbarStepResult(
            initialState: states, finalState: final, device: device,
            energy: estimatesEnergy ? energy(of: step, from: states, to: final) : nil)
    }

    @discardableResult
    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws -> StepEnergy? {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        let before = estimatesEnergy ? states : nil
        states.elements.withUnsafeMutableBufferPointer { apply(rowCounts: step.rowCounts, columnCounts: step.columnCounts, to: $0) }
        return before.map { energy(of: step, from: $0, to: states) }
    }

    /// The device model's estimate of a step's energy: a pulse of amplitude `u` on a device of
    /// conductance `G` dissipates `G·u²·(plateau + 2·edge/3)` (the edges are linear ramps).
    /// Coincident pulses see the full amplitude, half-selected ones half of it; `G` is taken at
    /// the mean of the states before and after the phase the device switches in. With ideal
    /// wires every joule the drivers deliver ends in a device.
    public func energy(of step: LearningStep, from before: Matrix<Double>, to after: Matrix<Double>) -> StepEnergy {
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let (set2, reset2) = (shape.setAmplitude * shape.setAmplitude, shape.resetAmplitude * shape.resetAmplitude)
        var phases = [0.0, 0.0]
        for i in 0..<step.rows {
            let nx = step.rowCounts[i]
            for j in 0..<step.cols {
                let nd = step.columnCounts[j]
                let (x0, x1) = (before[i, j], after[i, j])
                let k = min(nx, abs(nd))
                // Phase 1: rows nx pulses, negative-δ columns |nd|; phase 2: rows nx, positive-δ columns nd.
                let (k1, c1) = nd < 0 ? (k, -nd) : (0, 0)
                let (k2, c2) = nd > 0 ? (k, nd) : (0, 0)
                let g1 = device.conductance(state: nd < 0 ? (x0 + x1) / 2 : x0)
                let g2 = device.conductance(state: nd > 0 ? (x0 + x1) / 2 : x1)
                phases[0] += g1 * tau * (Double(k1) * set2 + Double(nx + c1 - 2 * k1) * set2 / 4)
                phases[1] += g2 * tau * (Double(k2) * reset2 + Double(nx + c2 - 2 * k2) * reset2 / 4)
            }
        }
        return StepEnergy(devices: phases, drivers: phases)
    }

    /// Applies one step in place to row-major `states` (`rowCounts.count × columnCounts.count`),
    /// allocating nothing per device.
    public func apply(rowCounts: [Int], columnCounts: [Int], to states: UnsafeMutableBufferPointer<Double>) {
        let cols = columnCounts.count
        precondition(states.count == rowCounts.count * cols, "state buffer does not match the counts")
        let longest = min(rowCounts.max() ?? 0, columnCounts.map(abs).max() ?? 0)
        up.extend(to: longest)
        down.extend(to: longest)
        for (i, nx) in rowCounts.enumerated() where nx > 0 {
            let row = states.baseAddress! + i * cols
            for j in 0..<cols {
                let nd = columnCounts[j]
                if nd < 0 {
                    row[j] = up.state(after: min(nx, -nd), from: row[j])
                } else if nd > 0 {
                    row[j] = down.state(after: min(nx, nd), from: row[j])
                }
            }
        }
    }
}
