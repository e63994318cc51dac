/// Every row's and every column's summed device conductance in one crossbar, behind the
/// energy estimate of a one-pass write (``AnalyticEngine/writeRows(_:only:to:threads:sums:)``).
///
/// The sums are kept in fixed point, whole multiples of ``unit``: each device's conductance is
/// rounded to a count once, and counts add exactly. So the sums are a function of the states
/// alone — the same in any order and on any number of threads, and the same whether they were
/// computed afresh or kept up to date write after write by adding each moved device's change
/// (``move(row:col:from:to:)``). That is what lets a training run keep them between minibatches
/// instead of summing the whole crossbar before every write, and still resume bit for bit from
/// a checkpoint that does not hold them. The unit is the largest device conductance over
/// `2^(62 − b)`, `b` the bits of the longer side, so no sum can overflow and each rounding
/// (toward zero) is below one part in 2⁵² of that conductance for crossbars up to 1 023 on a
/// side (double precision's own resolution), 2⁻⁵⁰ at 4 095.
public struct ConductanceSums: Equatable, Sendable {
    /// `Σ_j G_ij` of every row, in ``unit``s.
    public private(set) var rows: [Int64]
    /// `Σ_i G_ij` of every column, in ``unit``s.
    public private(set) var cols: [Int64]
    /// Siemens per count.
    public let unit: Double

    /// The sums of the crossbar `population` at `states` (stuck devices as `states` hold them),
    /// its rows shared by `threads` threads.
    public init(_ states: Matrix<Double>, population: DevicePopulation, threads: Int = 1) {
        let (rowCount, colCount) = (states.rows, states.cols)
        let largest = population.instances?.elements.reduce(0) { max($0, $1.parameters.onConductance, $1.parameters.offConductance) }
            ?? max(population.nominal.onConductance, population.nominal.offConductance)
        let sideBits = Int.bitWidth - max(rowCount, colCount, 1).leadingZeroBitCount
        unit = largest > 0 ? largest / Double(sign: .plus, exponent: 62 - sideBits, significand: 1) : 1
        let unit = unit
        var rows = [Int64](repeating: 0, count: rowCount)
        // Each block of rows its own column sums; the blocks' sums add exactly afterwards.
        let blockRows = 64
        let blocks = (rowCount + blockRows - 1) / blockRows
        var partial = [Int64](repeating: 0, count: blocks * colCount)
        states.elements.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { rowSums in
                partial.withUnsafeMutableBufferPointer { partial in
                    let (x, rowSums, partial) = (UncheckedSendable(x), UncheckedSendable(rowSums), UncheckedSendable(partial))
                    FixedPartition.run(count: blocks, block: 1, threads: threads) { range in
                        for b in range {
                            for i in b * blockRows..<min((b + 1) * blockRows, rowCount) {
                                var sum: Int64 = 0
                                for j in 0..<colCount {
                                    let g = Self.counts(population.conductance(state: x.value[i * colCount + j], row: i, col: j), unit: unit)
                                    sum += g
                                    partial.value[b * colCount + j] += g
                                }
                                rowSums.value[i] = sum
                            }
                        }
                    }
                }
            }
        }
        var cols = [Int64](repeating: 0, count: colCount)
        for b in 0..<blocks {
            for j in 0..<colCount { cols[j] += partial[b * colCount + j] }
        }
        (self.rows, self.cols) = (rows, cols)
    }

    /// Whether these are the sums of an `rows × cols` crossbar.
    func fits(rows: Int, cols: Int) -> Bool { self.rows.count == rows && self.cols.count == cols }

    /// Row `i`'s conductance, siemens.
    public func conductance(row i: Int) -> Double { Double(rows[i]) * unit }

    /// Column `j`'s conductance, siemens.
    public func conductance(col j: Int) -> Double { Double(cols[j]) * unit }

    /// Device `(i, j)` moved from conductance `g0` to `g1`.
    mutating func move(row i: Int, col j: Int, from g0: Double, to g1: Double) {
        let change = Self.counts(g1, unit: unit) - Self.counts(g0, unit: unit)
        rows[i] += change
        cols[j] += change
    }

    /// The conductance `g` (≥ 0) in whole units, toward zero (one instruction on any x86-64;
    /// rounding to nearest is a library call without SSE4.1).
    private static func counts(_ g: Double, unit: Double) -> Int64 { Int64(g / unit) }
}
