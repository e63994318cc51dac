/// What programming a crossbar row by row did.
public struct ProgramReport: Codable, Equatable, Sendable {
    /// Potentiation pulses sent to selected devices.
    public var pulses = 0
    /// Row steps simulated (one per row with a device to write).
    public var rowSteps = 0
    /// Half-selected devices (not written, but on a pulsed row or column) whose state moved
    /// by more than ``CrossbarStepResult/changeThreshold`` (as the circuit monitor counts disturb), counted once per row step.
    public var disturbed = 0
    /// Energy of all row steps, joules (device energy, when the engine reports it).
    public var energy = 0.0

    public init() {}
}

/// Row-by-row programming (``CrossbarEngine/program(_:to:)``): the way a crossbar writes
/// chosen devices with chosen pulse counts, e.g. the firings of accumulate-then-fire.
public enum CrossbarProgramming {
    /// The learning step that programs row `row` with `pulses[row, j]` potentiation pulses per
    /// column: the row sends the longest train at `+u/2`, each column its count at `−u/2`, so
    /// device `(row, j)` sees exactly `pulses[row, j]` coincidences at `u` and every other
    /// device on the row or on a pulsing column sees half-amplitude pulses only. Nil when the
    /// row has nothing to write.
    public static func rowStep(_ pulses: Matrix<Int>, row: Int) throws -> LearningStep? {
        try rowStep(columnCounts: (0..<pulses.cols).map { -pulses[row, $0] }, row: row, rows: pulses.rows, only: .potentiation)
    }

    /// The learning step that writes row `row` of a `rows`-row crossbar with the signed column
    /// counts `counts` (the convention of ``LearningStep``: `−n` potentiates device `(row, j)`
    /// by `n` pulses, `+n` depresses it by `n`): the row sends the longest train in both
    /// phases (or in `only`), so device `(row, j)` sees exactly `|counts[j]|` coincidences and
    /// every other device half-amplitude pulses only. Nil when every count is 0. Shared by
    /// row-by-row programming (accumulate-then-fire) and per-batch net-count writes of
    /// device weights (``DeviceWeightUpdater``).
    public static func rowStep(columnCounts counts: [Int], row: Int, rows: Int, only: LearningPhase.Kind?) throws -> LearningStep? {
        guard let longest = counts.map(abs).max(), longest > 0 else { return nil }
        var rowCounts = [Int](repeating: 0, count: rows)
        rowCounts[row] = longest
        return try LearningStep(rowCounts: rowCounts, columnCounts: counts, slotsPerPhase: longest, only: only)
    }
}

extension CrossbarEngine {
    /// Programs `pulses[i, j] ≥ 0` potentiation pulses into device `(i, j)` of the crossbar
    /// holding `states`, one row at a time (``CrossbarProgramming/rowStep(_:row:)``), and
    /// counts the half-selected devices each row step disturbed. Both engines simulate the
    /// same row steps, so SPICE and the analytic engine agree as on learning steps.
    public func program(_ pulses: Matrix<Int>, to states: inout Matrix<Double>) throws -> ProgramReport {
        try require(
            pulses.rows == states.rows && pulses.cols == states.cols, "pulses",
            "are \(pulses.rows)×\(pulses.cols); the crossbar is \(states.rows)×\(states.cols)")
        try require(pulses.elements.allSatisfy { $0 >= 0 }, "pulses", "must be ≥ 0")
        var report = ProgramReport()
        for row in 0..<pulses.rows {
            guard let step = try CrossbarProgramming.rowStep(pulses, row: row) else { continue }
            let before = states
            report.energy += try apply(step, to: &states)?.deviceTotal ?? 0
            report.rowSteps += 1
            for i in 0..<states.rows {
                for j in 0..<states.cols where !(i == row && pulses[i, j] > 0) {
                    let halfSelected = i == row || pulses[row, j] > 0
                    if halfSelected, abs(states[i, j] - before[i, j]) > CrossbarStepResult.changeThreshold { report.disturbed += 1 }
                }
            }
            report.pulses += (0..<pulses.cols).map { pulses[row, $0] }.reduce(0, +)
        }
        return report
    }
}
