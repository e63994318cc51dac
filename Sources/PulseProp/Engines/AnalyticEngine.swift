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
        return CrossbarStepResult(initialState: states, finalState: final, device: device)
    }

    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        states.elements.withUnsafeMutableBufferPointer { apply(rowCounts: step.rowCounts, columnCounts: step.columnCounts, to: $0) }
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
