/// The cycle-to-cycle factors of one learning step, shared by both engines.
extension CycleToCycleNoise {
    /// Every device's dose factor for `step` (1 where no pulse coincides), drawn phase by
    /// phase, row by row, over the columns that pulse in the phase: the order in which both
    /// engines visit the written devices, so a seed gives the same noise in each.
    public mutating func factors(for step: LearningStep) -> Matrix<Double> {
        var factors = Matrix(rows: step.rows, cols: step.cols) { _, _ in 1.0 }
        for phase in step.phases {
            for i in phase.pulsingRows {
                for j in phase.pulsingColumns { factors[i, j] = factor(pulses: min(phase.rowCounts[i], phase.columnCounts[j])) }
            }
        }
        return factors
    }
}
