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
            if refreshPolicy.isSaturated(states[s.layer], written: written.positions) { saturated.insert(s.layer) }
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
        // Branch-free, so the loops vectorise; a zero signal gives a zero coincidence count.
        let (xMax, deltaMin, deltaMax) = (encoding.xMax, encoding.deltaMin, encoding.deltaMax)
        let a = [Float](unsafeUninitializedCapacity: count * s.xStride) { a, initialized in
            s.x.withUnsafeBufferPointer { x in
                for k in 0..<a.count { a[k] = Float(min(max(gain * Double(x[k]), 0), xMax) / qx) }
            }
            initialized = a.count
        }
        let d = [Float](unsafeUninitializedCapacity: count * s.cols) { d, initialized in
            s.delta.withUnsafeBufferPointer { delta in
                for k in 0..<d.count {
                    let v = gain * Double(delta[k])
                    d[k] = v == 0 ? 0 : Float(min(max(v, deltaMin), deltaMax) / qd)
                }
            }
            initialized = d.count
        }
        var sums = [Float](repeating: 0, count: s.xStride * s.cols)
        let lists = Kernels.SparseLists()
        lists.reserve(lists: s.xStride, room: count)
        a.withUnsafeBufferPointer { a in lists.buildColumns(of: a.baseAddress!, xStride: s.xStride, columns: 0..<s.xStride, active: nil) }
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
        Self.netCounts(quanta, rounding: encoding.rounding, dither: &dither)
    }

    /// `sign(S)·R(|S|)` for every `S` of `quanta`; stochastic rounding draws one dither from
    /// `dither` per non-zero `S`, in row-major order: `u = ⌊r/2¹¹⌋·2⁻⁵³` of the generator's next
    /// 64 bits `r`, uniform on [0, 1) in steps of 2⁻⁵³.
    public static func netCounts(_ quanta: Matrix<Float>, rounding: PulseRounding, dither: inout SeededGenerator) -> SparsePulseCounts {
        var counts = SparsePulseCounts(rows: quanta.rows, cols: quanta.cols)
        let stochastic = rounding == .stochastic
        quanta.elements.withUnsafeBufferPointer { q in
            func round(_ k: Int) {
                let magnitude = Double(abs(q[k]))
                let rounded = stochastic ? magnitude + Double(dither.next() >> 11) * 0x1p-53 : rounding.whole(magnitude)
                guard rounded >= 1 else { return }
                let whole = Int(rounded)
                counts.append(position: k, count: q[k] < 0 ? -whole : whole)
            }
            // Eight sums at a time past runs of zeros (rows no example's x reached), in order.
            let lanes = 8
            var k = 0
            guard let base = q.baseAddress else { return }
            let raw = UnsafeRawPointer(base)
            while k + lanes <= q.count {
                let v = raw.loadUnaligned(fromByteOffset: k * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
                if any(v .!= 0) {
                    for l in k..<k + lanes where q[l] != 0 { round(l) }
                }
                k += lanes
            }
            for l in k..<q.count where q[l] != 0 { round(l) }
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
            let report = try CircuitStepError.at(place) { try analytic.writeRows(crossbar, only: only, to: &states[layer], threads: threads) }
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
        var crossbar = SparsePulseCounts(rows: counts.rows, cols: 2 * counts.cols)
        for (k, n) in zip(counts.positions, counts.counts) {
            let (plus, minus) = pairCounts(n)
            crossbar.append(position: 2 * k, count: plus)
            crossbar.append(position: 2 * k + 1, count: minus)
        }
        return crossbar
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
