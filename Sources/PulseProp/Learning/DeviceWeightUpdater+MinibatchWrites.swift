import CKernels

/// Writes once per minibatch (``DeviceWrite/perBatch`` and ``DeviceWrite/accumulate``): each
/// layer's summed update in pulse quanta becomes signed pulse counts per device, written to
/// the crossbar row by row.
extension DeviceWeightUpdater {
    /// Writes every layer's minibatch update from `signals` (computed before any update), in
    /// the signals' order, then refreshes pairs as due.
    func writeMinibatch(_ signals: [LayerSignals], count: Int, gain: Double) throws {
        var saturated = Set<Int>()
        for s in signals {
            let quanta = Self.netQuanta(s, count: count, gain: gain, encoding: encoding, threads: threads)
            let counts = write == .accumulate ? fire(quanta, layer: s.layer) : netCounts(quanta)
            let written = try writeNetCounts(counts, layer: s.layer)
            // Only the pairs this write moved can have become saturated (any other saturated
            // pair was refreshed when it was written): a check of the written devices instead
            // of a scan of the whole crossbar per minibatch.
            if refreshPolicy.isSaturated(states[s.layer], written: written.positions, stuck: stuckPairs(layer: s.layer)) {
                saturated.insert(s.layer)
            }
        }
        examplesSinceRefresh += count
        try refreshIfDue(saturated: saturated)
    }

    /// The summed absmin update of the first `count` examples of `s` per device in pulse
    /// quanta, `S_ij = Σ_b sign(δ_bj)·min(a_bi, |d_bj|)` with `a = clip(gain·x, 0, xMax)/q_x`
    /// and `d = clip(gain·δ, δmin, δmax)/q_δ` (the unrounded coincidences the per-example path
    /// rounds and sends): `rows × cols` (weight columns), positive to lower the weight, as
    /// `n_δ`. Summed in `b` order by the training kernel (``Kernels/rowUpdate(_:lists:delta:rows:columns:cols:scale:weights:)``),
    /// in fixed blocks of rows shared by `threads` threads (``FixedPartition``): the same sums
    /// on any number of threads.
    public static func netQuanta(_ s: LayerSignals, count: Int, gain: Double, encoding: PulseEncoding, threads: Int = 1) -> Matrix<Float> {
        let (qx, qd) = (encoding.xQuantum, encoding.deltaQuantum)
        let (xMax, deltaMin, deltaMax) = (encoding.xMax, encoding.deltaMin, encoding.deltaMax)
        // A zero signal gives a zero coincidence count.
        let d = [Float](unsafeUninitializedCapacity: count * s.cols) { d, initialized in
            s.delta.withUnsafeBufferPointer { delta in
                pp_pulse_quanta(delta.baseAddress!, d.count, gain, deltaMin, deltaMax, qd, 1, d.baseAddress!)
            }
            initialized = d.count
        }
        var sums = [Float](repeating: 0, count: s.xStride * s.cols)
        let lists = Kernels.SparseLists()
        lists.reserve(lists: s.xStride, room: count)
        if let rows = s.xLists {
            // x's non-zero values by row of the crossbar, from its row lists, each made its quanta
            // in place (a value whose quanta are zero adds ±0 to the sums: the same bits).
            FixedPartition.run(count: s.xStride, block: 4 * IdealWeightUpdater.rowBlock, threads: threads) { columns in
                lists.buildColumns(from: rows, columns: columns, active: nil)
                lists.updateValues(lists: columns) { values, n in pp_pulse_quanta(values, n, gain, 0, xMax, qx, 0, values) }
            }
        } else {
            let a = [Float](unsafeUninitializedCapacity: count * s.xStride) { a, initialized in
                s.x.withUnsafeBufferPointer { x in
                    pp_pulse_quanta(x.baseAddress!, a.count, gain, 0, xMax, qx, 0, a.baseAddress!)
                }
                initialized = a.count
            }
            a.withUnsafeBufferPointer { a in lists.buildColumns(of: a.baseAddress!, xStride: s.xStride, columns: 0..<s.xStride, active: nil) }
        }
        d.withUnsafeBufferPointer { d in
            sums.withUnsafeMutableBufferPointer { sums in
                let (d, sums) = (UncheckedSendable(d.baseAddress!), UncheckedSendable(sums.baseAddress!))
                FixedPartition.run(count: s.xStride, block: IdealWeightUpdater.rowBlock, threads: threads) { rows in
                    Kernels.rowUpdate(.absmin, lists: lists, delta: d.value, rows: rows, cols: s.cols, scale: 1, weights: sums.value)
                }
            }
        }
        return Matrix(rows: s.xStride, cols: s.cols, elements: sums)
    }

    /// `quanta` rounded to whole net pulse counts with the encoding's rounding, sign kept:
    /// `sign(S)·R(|S|)`, one dither of the updater's generator per non-zero `S` (row-major
    /// order), so stochastic rounding is unbiased per device and a checkpoint continues it.
    public func netCounts(_ quanta: Matrix<Float>) -> SparsePulseCounts {
        Self.netCounts(quanta, rounding: encoding.rounding, dither: &dither, threads: threads)
    }

    /// `sign(S)·R(|S|)` for every `S` of `quanta`; stochastic rounding draws one dither from
    /// `dither` per non-zero `S`, in row-major order: `u = ⌊r/2¹¹⌋·2⁻⁵³` of the generator's next
    /// 64 bits `r`, uniform on [0, 1) in steps of 2⁻⁵³. The generator is counter-based
    /// (SplitMix64), so fixed blocks of rows (``FixedPartition``), each knowing how many draws
    /// the blocks before it make, round at once on `threads` threads with the same draws.
    public static func netCounts(_ quanta: Matrix<Float>, rounding: PulseRounding, dither: inout SeededGenerator, threads: Int = 1) -> SparsePulseCounts {
        guard rounding == .stochastic else { return nearestCounts(quanta, rounding: rounding) }
        let (rows, cols) = (quanta.rows, quanta.cols)
        guard !quanta.elements.isEmpty else { return SparsePulseCounts(rows: rows, cols: cols) }
        let blockRows = 64
        let blocks = (rows + blockRows - 1) / blockRows
        func span(_ b: Int) -> Range<Int> { b * blockRows * cols..<min((b + 1) * blockRows, rows) * cols }
        // Each block's non-zero sums (its draws), then where its draws and its counts start.
        var nonzero = [Int](repeating: 0, count: blocks)
        quanta.elements.withUnsafeBufferPointer { q in
            nonzero.withUnsafeMutableBufferPointer { nonzero in
                let (q, nonzero) = (UncheckedSendable(q.baseAddress!), UncheckedSendable(nonzero))
                FixedPartition.run(count: blocks, block: 1, threads: threads) { range in
                    for b in range { nonzero.value[b] = pp_count_nonzero(q.value + span(b).lowerBound, span(b).count / cols, cols, cols) }
                }
            }
        }
        var firstDraw = [Int](repeating: 0, count: blocks)
        for b in 1..<blocks { firstDraw[b] = firstDraw[b - 1] + nonzero[b - 1] }
        let draws = (firstDraw.last ?? 0) + (nonzero.last ?? 0)
        // Block b writes at firstDraw[b], room for its non-zero sums (one slot more in all: the
        // buffers are never empty).
        let room = draws + 1
        // Only the slots the blocks fill are read.
        var positions = [Int](unsafeUninitializedCapacity: room) { $1 = room }
        var counts = [Int](unsafeUninitializedCapacity: room) { $1 = room }
        var kept = [Int](repeating: 0, count: blocks)
        let start = dither.currentState
        quanta.elements.withUnsafeBufferPointer { q in
            positions.withUnsafeMutableBufferPointer { positions in
                counts.withUnsafeMutableBufferPointer { counts in
                    kept.withUnsafeMutableBufferPointer { kept in
                        let (q, p, c, kept) = (
                            UncheckedSendable(q.baseAddress!), UncheckedSendable(positions.baseAddress!),
                            UncheckedSendable(counts.baseAddress!), UncheckedSendable(kept))
                        FixedPartition.run(count: blocks, block: 1, threads: threads) { range in
                            for b in range {
                                let (span, at) = (span(b), firstDraw[b])
                                let state = start &+ UInt64(firstDraw[b]) &* SeededGenerator.gamma
                                (p.value + at).withMemoryRebound(to: Int64.self, capacity: nonzero[b]) { p in
                                    (c.value + at).withMemoryRebound(to: Int64.self, capacity: nonzero[b]) { c in
                                        kept.value[b] = pp_stochastic_counts(q.value + span.lowerBound, span.count, span.lowerBound, state, p, c)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        dither.skip(draws)
        // The blocks' counts moved together, in order.
        var end = 0
        for b in 0..<blocks {
            let at = firstDraw[b]
            if at != end {
                for k in 0..<kept[b] { (positions[end + k], counts[end + k]) = (positions[at + k], counts[at + k]) }
            }
            end += kept[b]
        }
        positions.removeLast(room - end)
        counts.removeLast(room - end)
        return SparsePulseCounts(rows: rows, cols: cols, positions: positions, counts: counts)
    }

    /// `sign(S)·R(|S|)` for every `S` of `quanta` with a rounding that draws nothing.
    private static func nearestCounts(_ quanta: Matrix<Float>, rounding: PulseRounding) -> SparsePulseCounts {
        var counts = SparsePulseCounts(rows: quanta.rows, cols: quanta.cols)
        for (k, q) in quanta.elements.enumerated() where q != 0 {
            let rounded = rounding.whole(Double(abs(q)))
            guard rounded >= 1 else { continue }
            counts.append(position: k, count: q < 0 ? -Int(rounded) : Int(rounded))
        }
        return counts
    }

    /// Accumulate-then-fire (``AccumulateThenFire``): adds `quanta` to layer `layer`'s
    /// accumulators and returns the pulses each device fires, one per ``threshold`` quanta,
    /// signed as `n_δ`.
    func fire(_ quanta: Matrix<Float>, layer: Int) -> SparsePulseCounts {
        var counts = SparsePulseCounts(rows: quanta.rows, cols: quanta.cols)
        let theta = threshold
        accumulators[layer].withUnsafeMutableBufferPointer { a in
            quanta.elements.withUnsafeBufferPointer { q in
                for k in 0..<q.count where q[k] != 0 {
                    counts.append(position: k, count: AccumulateThenFire.fire(&a[k], adding: q[k], threshold: theta))
                }
            }
        }
        return counts
    }

    /// Writes net pulse counts `counts` (`rows × cols` weight columns, signed as `n_δ`:
    /// positive lowers the weight) to layer `layer`'s crossbar, one row step per row with a
    /// non-zero count (``CrossbarProgramming/rowStep(columnCounts:row:rows:only:)``); the
    /// crossbar columns follow ``columnCounts(_:)`` (pairs: both devices, or for unidirectional
    /// updates potentiation of the device of the sign). An analytic engine writes them in one
    /// pass (``AnalyticEngine/writeRows(_:only:to:)-(SparsePulseCounts,_,_)``, seen by
    /// ``writeObserver``); other engines, or an updater with only an ``observer``, go through
    /// the row steps one by one, each seen by the observer like a learning step.
    /// Returns the crossbar's counts written.
    @discardableResult
    public func writeNetCounts(_ counts: SparsePulseCounts, layer: Int) throws -> SparsePulseCounts {
        let crossbar = crossbarCounts(counts)
        guard !counts.isEmpty else { return crossbar }
        let engine = engines[layer]
        let only: LearningPhase.Kind? = scheme == .unidirectional ? .potentiation : nil
        if let analytic = engine as? AnalyticEngine, analytic.writesRowsDirectly, writeObserver != nil || observer == nil {
            let place = "minibatch write \(stepsApplied + 1), \(CircuitStepError.crossbar(layer))"
            var known = keptForWrite(pinning: layer, engine: analytic)
            let report = try CircuitStepError.at(place) {
                try analytic.writeRows(crossbar, only: only, to: &states[layer], threads: threads, sums: &known[layer].sums)
            }
            // The write changed the states (which forgot what was kept) and brought its sums up
            // to date; the devices it moved are all in its counts.
            known[layer].written.append(contentsOf: crossbar.positions)
            kept = known
            stepsApplied += report.rowSteps
            try writeObserver?(DeviceWriteEvent(layer: layer, counts: crossbar, report: report))
            return crossbar
        }
        for (row, range) in counts.rowRanges {
            var weightCounts = [Int](repeating: 0, count: counts.cols)
            for k in range { weightCounts[counts.positions[k] - row * counts.cols] = counts.counts[k] }
            guard let step = try CrossbarProgramming.rowStep(
                columnCounts: columnCounts(weightCounts), row: row, rows: states[layer].rows, only: only)
            else { continue }
            let before = observer == nil ? nil : states[layer]
            let place = "learning step \(stepsApplied + 1), \(CircuitStepError.crossbar(layer))"
            let energy = try CircuitStepError.at(place) { try engine.apply(step, to: &states[layer]) }
            try record(layer: layer, step, before: before, after: states[layer], energy: energy)
        }
        return crossbar
    }

    /// The crossbar's signed counts for weight counts: ``columnCounts(_:)`` of every weight
    /// (pairs: `G⁺` in column `2j`, `G⁻` in `2j + 1`, so row-major positions map alike).
    func crossbarCounts(_ counts: SparsePulseCounts) -> SparsePulseCounts {
        guard mapping.kind == .pair else { return counts }
        var (positions, crossbar) = ([Int](), [Int]())
        positions.reserveCapacity(2 * counts.counts.count)
        crossbar.reserveCapacity(2 * counts.counts.count)
        for (k, n) in zip(counts.positions, counts.counts) {
            let (plus, minus) = pairCounts(n)
            if plus != 0 {
                positions.append(2 * k)
                crossbar.append(plus)
            }
            if minus != 0 {
                positions.append(2 * k + 1)
                crossbar.append(minus)
            }
        }
        return SparsePulseCounts(rows: counts.rows, cols: 2 * counts.cols, positions: positions, counts: crossbar)
    }
}

/// One minibatch write of one layer's crossbar made in one pass by an analytic engine.
public struct DeviceWriteEvent {
    /// The layer (0: input-to-hidden).
    public let layer: Int
    /// The signed pulse counts of the written crossbar devices (``LearningStep``'s convention).
    public let counts: SparsePulseCounts
    /// Row steps, pulses and energy of the write.
    public let report: RowWriteReport
}

/// What a ``DeviceWeightUpdater`` keeps of one crossbar between minibatch writes, valid while
/// its states change only by one-pass writes (``DeviceWeightUpdater/kept``).
struct KeptCrossbar {
    /// The conductance sums of the energy estimate (nil: not yet computed).
    var sums: ConductanceSums?
    /// The weights last read from the states, shared with the network's layer (nil: none).
    var weights: [Float]?
    /// Crossbar positions written since `weights` were read.
    var written: [Int] = []
}

extension DeviceWeightUpdater {
    /// Sets every layer's weights to those its crossbar holds. A layer whose weights are still
    /// the storage of the last read (unchanged since, or they would have been copied) and
    /// whose crossbar changed only by one-pass writes since has just the written devices'
    /// weights read again (``WeightMapping/read(_:positions:into:)``); any other is read whole.
    /// Either way the weights equal ``WeightMapping/read(_:into:threads:)``'s.
    func readBack(into layers: inout [WeightLayer]) {
        kept = keptOrFresh
        for layer in states.indices {
            if let weights = kept[layer].weights, Self.sameStorage(weights, layers[layer].values) {
                // Drop this copy's reference so that the layer's update happens in place.
                kept[layer].weights = nil
                mapping.read(states[layer], positions: kept[layer].written, into: &layers[layer].values)
            } else {
                mapping.read(states[layer], into: &layers[layer].values, threads: threads)
            }
            kept[layer].weights = layers[layer].values
            kept[layer].written = []
        }
    }

    /// What is kept of every crossbar, taken out of ``kept`` (so that a write updates it in
    /// place) for a write by `engine` that changes layer `layer`'s states through
    /// `&states[layer]`: the change forgets ``kept`` when the write returns, and the writer puts
    /// back what it brought up to date. The layer's stuck devices are pinned first, as the
    /// engine would pin them (a layer's first write pins devices its counts do not name): if
    /// that moved any, the layer's weights are read whole after the write.
    func keptForWrite(pinning layer: Int, engine: AnalyticEngine) -> [KeptCrossbar] {
        var known = keptOrFresh
        if engine.population(rows: states[layer].rows, cols: states[layer].cols).pin(&states[layer]) {
            known[layer] = KeptCrossbar()
        }
        kept = []
        return known
    }

    /// ``kept``, or one empty entry per crossbar when it has been forgotten.
    private var keptOrFresh: [KeptCrossbar] {
        kept.count == states.count ? kept : Array(repeating: KeptCrossbar(), count: states.count)
    }

    /// Whether `a` and `b` are one array's storage.
    private static func sameStorage(_ a: [Float], _ b: [Float]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { $0.baseAddress == a.baseAddress } }
    }
}
