import Foundation

/// One learning step run from the same states by SPICE, by an analytic engine and, when given,
/// by the wire-free analytic engine beside it: what ``EngineComparison`` summarises, and every
/// device's change (``deviceTable()``) for a look at the devices behind the summary.
public struct StepRuns {
    public let step: LearningStep
    /// The states every engine started from.
    public let states: Matrix<Double>
    /// The circuit SPICE simulated.
    public let circuit: CrossbarCircuit
    /// ngspice's `reltol` for the SPICE step (nil: ngspice's default).
    public let spiceRelativeTolerance: Double?
    public let spice: CrossbarStepResult
    public let analytic: CrossbarStepResult
    public let wireFree: CrossbarStepResult?
    /// Seconds of the SPICE step and of the analytic one.
    public let spiceSeconds: Double
    public let analyticSeconds: Double

    /// Runs `step` from `states` in SPICE, in `analytic` and in `wireFree` when given.
    public init(step: LearningStep, states: Matrix<Double>, spice: SpiceEngine, analytic: CrossbarEngine, wireFree: CrossbarEngine? = nil) throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        self.spice = try spice.run(step, from: states)
        let t1 = DispatchTime.now().uptimeNanoseconds
        self.analytic = try analytic.run(step, from: states)
        let t2 = DispatchTime.now().uptimeNanoseconds
        self.wireFree = try wireFree?.run(step, from: states)
        (self.step, self.states, circuit) = (step, states, spice.circuit)
        spiceRelativeTolerance = spice.relativeTolerance
        spiceSeconds = Double(t1 - t0) / 1e9
        analyticSeconds = Double(t2 - t1) / 1e9
    }

    /// The device's conductance range `G_on − G_off`, siemens: what errors are fractions of.
    public var range: Double { circuit.device.onConductance - circuit.device.offConductance }

    /// Every device's change in each engine, one line per device: its row and column, its
    /// coincident pulses over both phases, its starting state, and `ΔG` as a fraction of the
    /// range from SPICE, the analytic engine and (when run) the wire-free one.
    public func deviceTable() throws -> String {
        var header = ["row", "col", "coincidences", "initial_state", "dg_spice", "dg_analytic"]
        if wireFree != nil { header.append("dg_wire_free") }
        var table = CSVTable(header: header)
        let coincidences = step.coincidenceMatrix
        let changes = ([spice, analytic] + (wireFree.map { [$0] } ?? [])).map(\.deltaConductance)
        for i in 0..<step.rows {
            for j in 0..<step.cols {
                table.append([i, j, coincidences[i, j], states[i, j]] + changes.map { $0[i, j] / range })
            }
        }
        return try table.text()
    }
}
