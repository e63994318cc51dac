import Foundation

/// Everything about one simulated learning step, for JSON, CSV and table output.
///
/// JSON keys are the snake_case forms of the property names (`x_pulses`, `delta_pulses`,
/// `coincidences`, `initial_conductance`, …); matrices are arrays of rows.
public struct StepReport: Codable, Equatable, Sendable {
    /// Engine that produced the result (`spice` or `analytic`).
    public var engine: String
    /// Crossbar rows.
    public var rows: Int
    /// Crossbar columns.
    public var cols: Int
    /// Pulse levels over the x range.
    public var levels: Int
    /// Forward signals per row.
    public var x: [Double]
    /// Errors per column.
    public var delta: [Double]
    /// Pulse counts per row.
    public var xPulses: [Int]
    /// Signed pulse counts per column.
    public var deltaPulses: [Int]
    /// Coincident pulses per device, + for potentiation, − for depression.
    public var coincidences: Matrix<Int>
    /// States before the step.
    public var initialState: Matrix<Double>
    /// States after the step.
    public var finalState: Matrix<Double>
    /// Conductances before the step, siemens.
    public var initialConductance: Matrix<Double>
    /// Conductances after the step, siemens.
    public var finalConductance: Matrix<Double>
    /// Conductance changes, siemens.
    public var deltaConductance: Matrix<Double>
    /// Wall-clock seconds of the simulation.
    public var seconds: Double

    /// Assembles a report from a step, its inputs and an engine's result.
    public init(
        engine: String, inputs: StepInputs, step: LearningStep, encoding: PulseEncoding,
        result: CrossbarStepResult, seconds: Double
    ) {
        self.engine = engine
        rows = step.rows
        cols = step.cols
        levels = encoding.levels
        x = inputs.x
        delta = inputs.delta
        xPulses = step.rowCounts
        deltaPulses = step.columnCounts
        coincidences = step.coincidenceMatrix
        initialState = result.initialState
        finalState = result.finalState
        initialConductance = result.initialConductance
        finalConductance = result.finalConductance
        deltaConductance = result.deltaConductance
        self.seconds = seconds
    }

    /// Pretty-printed JSON with sorted snake_case keys.
    public func json() throws -> String {
        try SnakeCaseJSON.string(self)
    }

    /// One CSV line per device with a header line.
    public func csv() throws -> String {
        var table = CSVTable(header: [
            "row", "col", "x_pulses", "delta_pulses", "coincidences", "initial_state", "final_state",
            "initial_conductance", "final_conductance", "delta_conductance",
        ])
        for i in 0..<rows {
            for j in 0..<cols {
                table.append([
                    i, j, xPulses[i], deltaPulses[j], coincidences[i, j], initialState[i, j], finalState[i, j],
                    initialConductance[i, j], finalConductance[i, j], deltaConductance[i, j],
                ])
            }
        }
        return try table.text()
    }

    /// A human-readable summary: pulse counts, coincidences and ΔG in microsiemens.
    public func table() -> String {
        let moved = zip(finalState.elements, initialState.elements).filter { abs($0 - $1) > CrossbarStepResult.changeThreshold }
        var out = "\(engine) step of a \(rows)x\(cols) crossbar, \(levels) levels, \(String(format: "%.3f", seconds)) s\n"
        out += "x pulses:     \(xPulses.map(String.init).joined(separator: " "))\n"
        out += "delta pulses: \(deltaPulses.map(String.init).joined(separator: " "))\n\n"
        out += TextMatrix.render(coincidences.map { Double($0) }, title: "coincidences (+ potentiate, - depress)", format: "%.0f")
        out += "\n"
        out += TextMatrix.render(deltaConductance.map { $0 * 1e6 }, title: "delta conductance (uS)", format: "%+.4f")
        let largest = deltaConductance.elements.map(abs).max() ?? 0
        out += "\n\(moved.count) of \(rows * cols) devices changed by more than \(CrossbarStepResult.changeThreshold) of the conductance range; largest |dG| = \(String(format: "%.4g", largest * 1e6)) uS\n"
        return out
    }
}
