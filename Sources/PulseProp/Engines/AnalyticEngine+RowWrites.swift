/// What writing signed pulse counts row by row did (``AnalyticEngine/writeRows(_:only:to:)``).
public struct RowWriteReport: Equatable, Sendable {
    /// Row steps: rows with a non-zero count.
    public var rowSteps = 0
    /// Pulses sent by all drivers: each written row sends its longest train in every phase of
    /// the step, each column its device's count.
    public var pulsesSent = 0
    /// Coincident (writing) pulses summed over devices, `Σ|n_ij|`.
    public var coincidentPulses = 0
    /// The energy estimate of all row steps, per phase (nil unless the engine estimates energy).
    public var energy: StepEnergy?
}

extension AnalyticEngine {
    /// Whether ``writeRows(_:only:to:)`` gives what row steps through ``apply(_:to:)`` give:
    /// without cycle-to-cycle noise (drawn per step), where this engine moves only a row
    /// step's written devices.
    public var writesRowsDirectly: Bool { cycleNoise == nil }

    /// Writes the signed pulse counts `counts` (the convention of ``LearningStep``: `−n`
    /// potentiates device `(i, j)` by `n` pulses, `+n` depresses it) into `states`, as the row
    /// steps of ``CrossbarProgramming/rowStep(columnCounts:row:rows:only:)`` for rows 0, 1, …
    /// through ``apply(_:to:)`` would, in one pass over the written devices: a row step moves
    /// only the devices it writes (every other device on its row or columns sees
    /// half-amplitude pulses, which this engine does not move), each by `|n|` pulses of one
    /// kind, so the states are those of the row steps bit for bit.
    ///
    /// The energy estimate is that of ``energy(of:from:to:)`` for every row step, with the
    /// half-selected devices of a row summed as the row's conductance (then corrected for
    /// its written devices) and those of a column as the column's conductance less the
    /// written device (kept up to date as rows are written), so it equals the row steps' up
    /// to the order of summation.
    @discardableResult
    public func writeRows(_ counts: Matrix<Int>, only: LearningPhase.Kind?, to states: inout Matrix<Double>) throws -> RowWriteReport {
        try writeRows(SparsePulseCounts(counts), only: only, to: &states)
    }

    /// ``writeRows(_:only:to:)-(Matrix<Int>,_,_)`` for counts that name only the written devices: the work
    /// grows with the written devices and their rows (and, for the energy estimate, one pass
    /// over the crossbar's states for its row and column sums). The devices' moves, and the
    /// sums, are shared by `threads` threads; the result is the same on any number.
    @discardableResult
    public func writeRows(
        _ counts: SparsePulseCounts, only: LearningPhase.Kind?, to states: inout Matrix<Double>, threads: Int = 1
    ) throws -> RowWriteReport {
        var sums: ConductanceSums?
        return try writeRows(counts, only: only, to: &states, threads: threads, sums: &sums)
    }

    /// ``writeRows(_:only:to:threads:)`` with the crossbar's conductance sums kept by the caller:
    /// `sums` must be those of `states` (stuck devices pinned) or nil, and are those of the
    /// written states on return (nil when this engine does not estimate energy), so a caller
    /// that changes the states only through this write skips the pass over the crossbar.
    ///
    /// The energy estimate is that of ``energy(of:from:to:)`` for every row step, with the
    /// half-selected devices of a row summed as the row's conductance (then corrected for
    /// its written devices) and those of a column as the column's conductance less the
    /// written device, both from ``ConductanceSums`` kept up to date as devices move, so it
    /// equals the row steps' to the sums' fixed-point resolution and does not depend on the
    /// number of threads or on whether the sums were kept.
    @discardableResult
    public func writeRows(
        _ counts: SparsePulseCounts, only: LearningPhase.Kind?, to states: inout Matrix<Double>, threads: Int = 1,
        sums: inout ConductanceSums?
    ) throws -> RowWriteReport {
        try require(writesRowsDirectly, "c2c", "cycle-to-cycle noise is drawn per row step: write the rows as learning steps")
        try require(
            counts.rows == states.rows && counts.cols == states.cols, "counts",
            "are \(counts.rows)×\(counts.cols); the crossbar is \(states.rows)×\(states.cols)")
        var report = RowWriteReport()
        guard !counts.isEmpty else { return report }
        let (rows, cols) = (states.rows, states.cols)
        let population = population(rows: rows, cols: cols)
        population.pin(&states)  // stuck devices at their stuck states
        let longest = counts.counts.lazy.map(abs).max() ?? 0
        up.extend(to: longest)
        down.extend(to: longest)
        let phases: [LearningPhase.Kind] = only.map { [$0] } ?? [.potentiation, .depression]
        let shape = circuit.shape
        let tau = shape.plateau + 2 * shape.edge / 3
        let (uUp, uDown) = (shape.amplitude(of: .potentiation), shape.amplitude(of: .depression))
        if estimatesEnergy, sums?.fits(rows: rows, cols: cols) != true {
            sums = ConductanceSums(states, population: population, threads: threads)
        }
        assert(!estimatesEnergy || sums == ConductanceSums(states, population: population), "conductance sums kept for other states")
        defer { if !estimatesEnergy { sums = nil } }
        // Every written device moves on its own (its start, its count): the moves, and the
        // conductances the estimate needs, are shared by the threads in fixed blocks; the
        // estimate is then summed in row order, its terms the same on any number of threads.
        let (g0s, g1s, gMids) = deviceMoves(counts, population: population, states: &states, threads: threads)
        var energy = [0.0, 0.0]
        let u2 = [uUp * uUp, uDown * uDown]
        for (i, range) in counts.rowRanges {
            var rowLongest = 0
            var written = 0
            for k in range {
                rowLongest = max(rowLongest, abs(counts.counts[k]))
                written += abs(counts.counts[k])
            }
            report.rowSteps += 1
            report.pulsesSent += phases.count * rowLongest + written
            report.coincidentPulses += written
            guard estimatesEnergy else { continue }
            let l = Double(rowLongest)
            // Every device of the row as if half-selected at its starting state in each phase
            // (G·τ·u²·L/4); the written devices are corrected below.
            for kind in phases {
                let p = kind == .potentiation ? 0 : 1
                energy[p] += sums!.conductance(row: i) * tau * u2[p] * l / 4
            }
            for k in range {
                let (j, n) = (counts.positions[k] - i * cols, counts.counts[k])
                let potentiating = n < 0
                let (g0, g1, gMid) = (g0s[k], g1s[k], gMids[k])
                let others = sums!.conductance(col: j) - g0
                for kind in phases {
                    let p = kind == .potentiation ? 0 : 1
                    let c = Double(potentiating == (kind == .potentiation) ? abs(n) : 0)
                    // The written row: the device switches in its own phase (mean state) and sits
                    // at x0 before, x1 after; the row's pass above counted it at x0, half-selected.
                    let g = c > 0 ? gMid : (kind == .potentiation ? g0 : g1)
                    energy[p] += tau * u2[p] * (g * (c + (l - c) / 4) - g0 * l / 4)
                    // The rest of the column: half-selected by the column's pulses.
                    if c > 0 { energy[p] += others * tau * c * u2[p] / 4 }
                }
                sums!.move(row: i, col: j, from: g0, to: g1)
            }
        }
        if estimatesEnergy {
            let perPhase = [energy[0], energy[1]]
            report.energy = StepEnergy(devices: perPhase, drivers: perPhase)
        }
        return report
    }

    /// Moves every device `counts` names (`−n` potentiates by `n` pulses, `+n` depresses) in
    /// `states`, in fixed blocks of entries shared by `threads` threads (each device on its
    /// own: the same states on any number). With the energy estimate, returns each written
    /// device's conductance before, after and at its mean state, in `counts`' order (else
    /// empty arrays). The response tables must reach the longest count.
    private func deviceMoves(
        _ counts: SparsePulseCounts, population: DevicePopulation, states: inout Matrix<Double>, threads: Int
    ) -> (before: [Double], after: [Double], mean: [Double]) {
        let entries = counts.positions.count
        let conductances = estimatesEnergy ? entries : 0
        var (g0s, g1s, gMids) = ([Double](repeating: 0, count: conductances), [Double](repeating: 0, count: conductances), [Double](repeating: 0, count: conductances))
        let (up, down, cols) = (up, down, states.cols)
        states.elements.withUnsafeMutableBufferPointer { x in
            g0s.withUnsafeMutableBufferPointer { g0s in
                g1s.withUnsafeMutableBufferPointer { g1s in
                    gMids.withUnsafeMutableBufferPointer { gMids in
                        let out = UncheckedSendable((x, g0s, g1s, gMids))
                        FixedPartition.run(count: entries, block: 256, threads: threads) { block in
                            let (x, g0s, g1s, gMids) = out.value
                            // The block's starts gathered first, in a loop whose loads overlap
                            // (scattered over a crossbar larger than the caches, each would
                            // otherwise stall its own iteration).
                            let starting = block.map { x[counts.positions[$0]] }
                            for (k, x0) in zip(block, starting) {
                                let (position, n) = (counts.positions[k], counts.counts[k])
                                let (i, j) = (position / cols, position % cols)
                                let potentiating = n < 0
                                let x1 = population.state(
                                    afterNominal: (potentiating ? up : down).state(after: abs(n), from: x0), from: x0, row: i, col: j,
                                    potentiating: potentiating)
                                x[position] = x1
                                guard !g0s.isEmpty else { continue }
                                g0s[k] = population.conductance(state: x0, row: i, col: j)
                                g1s[k] = population.conductance(state: x1, row: i, col: j)
                                gMids[k] = population.conductance(state: (x0 + x1) / 2, row: i, col: j)
                            }
                        }
                    }
                }
            }
        }
        return (g0s, g1s, gMids)
    }
}
