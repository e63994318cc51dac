/// The starting states of the devices a ``LearningStep`` can move — those on a row that
/// pulses and a column that pulses, in either phase — kept as a small dense block: what the
/// analytic engine's energy estimate needs besides the final states, instead of a copy of
/// the whole crossbar on every step.
struct StepStartStates {
    /// Each row's place among the pulsing rows (−1: it sends no pulse).
    private let rowSlot: [Int]
    /// Each column's place among the pulsing columns (−1: it sends no pulse).
    private let columnSlot: [Int]
    private let pulsingColumns: Int
    /// `pulsing rows × pulsing columns` states, row-major.
    private let values: [Double]

    init(_ step: LearningStep, _ states: Matrix<Double>) {
        var rowSlot = [Int](repeating: -1, count: step.rows)
        var columnSlot = [Int](repeating: -1, count: step.cols)
        let (rows, columns) = (step.pulsingRows, step.pulsingColumns)
        for (slot, i) in rows.enumerated() { rowSlot[i] = slot }
        for (slot, j) in columns.enumerated() { columnSlot[j] = slot }
        var values: [Double] = []
        values.reserveCapacity(rows.count * columns.count)
        states.elements.withUnsafeBufferPointer { x in
            for i in rows {
                for j in columns { values.append(x[i * step.cols + j]) }
            }
        }
        (self.rowSlot, self.columnSlot, pulsingColumns, self.values) = (rowSlot, columnSlot, columns.count, values)
    }

    /// The starting state of device `(row, col)` when the step could move it, else nil (it
    /// has its final state).
    @inline(__always)
    func state(row: Int, col: Int) -> Double? {
        let (r, c) = (rowSlot[row], columnSlot[col])
        return r < 0 || c < 0 ? nil : values[r * pulsingColumns + c]
    }
}
