/// One learning step written by the analytic engine and reported as a write of the devices it
/// coincides on (per-example device training, ``DeviceWeightUpdater``).
extension AnalyticEngine {
    /// Applies `step` as ``apply(_:to:)`` does and reports it as a write of the devices it
    /// coincides on: their signed coincidences in ``writeRows(_:only:to:)-(SparsePulseCounts,_,_)``'s
    /// convention (`−n` potentiates) and the step's pulses and energy (one row step). This
    /// engine moves no half-selected device, so the report holds everything a monitor counts,
    /// without the crossbar's states before the step.
    public func write(_ step: LearningStep, to states: inout Matrix<Double>) throws -> (counts: SparsePulseCounts, report: RowWriteReport) {
        var sums: ConductanceSums?
        return try write(step, to: &states, sums: &sums)
    }

    /// ``write(_:to:)`` with the crossbar's conductance sums kept by the caller, as
    /// ``writeRows(_:only:to:threads:sums:)`` keeps them: `sums` must be those of `states`
    /// (stuck devices pinned) or nil, and are those of the written states on return (nil when
    /// this engine does not estimate energy). The energy estimate then visits only the step's
    /// pulsing block (``energy(of:after:before:sums:)``) instead of every pulsing row and
    /// column of the crossbar.
    public func write(
        _ step: LearningStep, to states: inout Matrix<Double>, sums: inout ConductanceSums?
    ) throws -> (counts: SparsePulseCounts, report: RowWriteReport) {
        try require(
            states.rows == step.rows && states.cols == step.cols, "state",
            "is \(states.rows)x\(states.cols) but the crossbar is \(step.rows)x\(step.cols)")
        let population = population(rows: step.rows, cols: step.cols)
        population.pin(&states)
        var energy: StepEnergy?
        if estimatesEnergy {
            if sums?.fits(rows: states.rows, cols: states.cols) != true {
                sums = ConductanceSums(states, population: population)
            }
            assert(sums == ConductanceSums(states, population: population), "conductance sums kept for other states")
            let start = StepStartStates(step, states)
            states.elements.withUnsafeMutableBufferPointer { apply(step, to: $0) }
            for i in step.pulsingRows {
                for j in step.pulsingColumns {
                    let (x0, x1) = (start.state(row: i, col: j)!, states[i, j])
                    guard x0 != x1 else { continue }
                    sums!.move(
                        row: i, col: j, from: population.conductance(state: x0, row: i, col: j),
                        to: population.conductance(state: x1, row: i, col: j))
                }
            }
            energy = self.energy(of: step, after: states, before: { i, j in start.state(row: i, col: j) ?? states[i, j] }, sums: sums!)
        } else {
            sums = nil
            states.elements.withUnsafeMutableBufferPointer { apply(step, to: $0) }
        }
        var counts = SparsePulseCounts(rows: step.rows, cols: step.cols)
        let (rows, columns) = (step.pulsingRows, step.pulsingColumns)
        var report = RowWriteReport(rowSteps: 1, pulsesSent: step.phases.reduce(0) { $0 + $1.pulsesSent }, energy: energy)
        for i in rows {
            for j in columns {
                let k = step.coincidences(row: i, col: j)
                counts.append(position: i * step.cols + j, count: -k)
                report.coincidentPulses += abs(k)
            }
        }
        return (counts, report)
    }

    /// ``energy(of:after:before:)`` with `sums`, the crossbar's conductance sums after the step:
    /// the half-selected devices of a pulsing row on the columns no phase pulses are the row's
    /// conductance less that of its devices on pulsing columns, and those of a pulsing column
    /// on the rows that sit a phase out are the column's conductance less that of its devices
    /// on the phase's pulsing rows (neither kind moves). The other terms are those of
    /// ``energyByDevice(of:after:before:)``, so the two agree to rounding, and the work grows
    /// with the step's pulsing rows times its pulsing columns only.
    func energy(of step: LearningStep, after: Matrix<Double>, before: (Int, Int) -> Double, sums: ConductanceSums) -> StepEnergy {
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let population = devices
        let columns = step.pulsingColumns
        var phases = [Double](repeating: 0, count: step.phases.count)
        var switched = [Bool](repeating: false, count: step.cols)
        for (p, phase) in step.phases.enumerated() {
            let u = shape.amplitude(of: phase.kind)
            let u2 = u * u
            var sum = 0.0
            for i in phase.pulsingRows {
                let r = phase.rowCounts[i]
                var quiet = sums.conductance(row: i)
                for j in columns {
                    let c = phase.columnCounts[j]
                    let (x0, x1) = (before(i, j), after[i, j])
                    quiet -= population.conductance(state: x1, row: i, col: j)
                    let k = min(r, c)
                    let state = c > 0 ? (x0 + x1) / 2 : switched[j] ? x1 : x0
                    sum += population.conductance(state: state, row: i, col: j) * tau * (Double(k) * u2 + Double(r + c - 2 * k) * u2 / 4)
                }
                sum += quiet * tau * Double(r) * u2 / 4
            }
            for j in phase.pulsingColumns {
                var quiet = sums.conductance(col: j)
                for i in phase.pulsingRows { quiet -= population.conductance(state: after[i, j], row: i, col: j) }
                sum += quiet * tau * Double(phase.columnCounts[j]) * u2 / 4
            }
            for j in phase.pulsingColumns { switched[j] = true }
            phases[p] = sum
        }
        return StepEnergy(devices: phases, drivers: phases)
    }
}
