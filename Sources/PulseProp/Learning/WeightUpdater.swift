/// What one layer's update is made of, for every example of a minibatch: the signal on its
/// rows `x` and the error on its columns `δ`; the update is `W −= η·Σ_b u(x_b, δ_b)`.
/// Backpropagation sends each layer's inputs and back-propagated errors; contrastive
/// divergence sends the data phase's and the model phase's unit states.
public struct LayerSignals {
    /// Index of the layer in the network's array.
    public var layer: Int
    /// `count × xStride` row signals; the layer's `rows` are the first `xStride` of each.
    public var x: [Float]
    /// Stride of `x` (the layer's rows, bias input included).
    public var xStride: Int
    /// `count × cols` column signals.
    public var delta: [Float]
    /// The layer's columns.
    public var cols: Int
    /// The non-zero values of `x`, one list per example (``Kernels/SparseLists``), when they
    /// are known (a sparse dataset's inputs); nil: found by scanning `x`.
    public var xLists: Kernels.SparseLists?

    public init(layer: Int, x: [Float], xStride: Int, delta: [Float], cols: Int, xLists: Kernels.SparseLists? = nil) {
        self.layer = layer
        self.x = x
        self.xStride = xStride
        self.delta = delta
        self.cols = cols
        self.xLists = xLists
    }
}

/// Holds a network's weights and applies a minibatch's update to them, layer by layer:
/// ``IdealWeightUpdater`` changes float weights by the rule; a device updater sends the same
/// signals as pulses to the crossbars that hold the weights. The training algorithm
/// (``TrainingAlgorithm``) decides what the signals are.
public protocol WeightUpdater: AnyObject {
    /// Applies `W_l −= η·Σ_b u(x_b, δ_b)` for the first `count` examples of every entry of
    /// `signals`, in their order, to `layers`, at rate `rate`.
    func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) throws
}

/// The paper's float-weight update: `W −= η·Σ_b u(x_b, δ_b)` with `u` = times or absmin,
/// on discretised signals when an encoding is given. With stochastic rounding each example's
/// update in each layer is one learning step: it draws one dither `u ∈ [0, 1)` shared by that
/// example's `x` and `δ`, as the device updater does per crossbar step (``PulseRounding``).
///
/// Each weight matrix is split into fixed blocks of 64 rows shared by `threads` threads
/// (``FixedPartition``).
/// Every weight is updated in one block in a fixed order, so the result is the same for any
/// thread count. `times` sums over the non-zero `x` only (``Kernels/rowUpdate``) when fewer
/// than ``Kernels/sparseDensityLimit`` of a minibatch's `x` are non-zero, and through a GEMM
/// otherwise; `absmin` always skips the zero `x`. Examples whose `δ` row is all zero are left
/// out (at 20 levels most hidden-error rows are).
public final class IdealWeightUpdater: WeightUpdater {
    /// The rule.
    public let method: UpdateMethod
    /// Discretisation of `x` and `δ`; nil for continuous signals.
    public let encoding: PulseEncoding?
    /// Threads that share each update (results do not depend on it).
    public var threads: Int
    /// `times` takes the sparse kernel when the density of a minibatch's `x` is below this.
    public var sparseDensityLimit = Kernels.sparseDensityLimit
    /// Rows of `W` per block of work shared between threads.
    static let rowBlock = 64
    private var quantized: [Float] = []
    /// Per example of a minibatch: whether its `δ` row has a non-zero value.
    private var active: [UInt8] = []
    /// The non-zero `x` of a minibatch by row of `W` (sparse path).
    private let lists = Kernels.SparseLists()
    /// The `δ` pulse counts of a minibatch (absmin on counts).
    private var deltaCounts: [Int16] = []
    /// Source of the stochastic-rounding dither (used only with `rounding: .stochastic`).
    public private(set) var dither: SeededGenerator

    /// Creates an updater for `method` with optional discretisation, on `threads` threads;
    /// `dither` is the stochastic-rounding generator to continue (default: a fresh run's).
    public init(method: UpdateMethod, encoding: PulseEncoding?, threads: Int = 1, dither: SeededGenerator? = nil) {
        self.method = method
        self.encoding = encoding
        self.threads = max(threads, 1)
        self.dither = dither ?? Self.initialDither(seed: 0)
    }

    /// The dither generator a fresh run with `seed` starts from (apart from the data order's).
    public static func initialDither(seed: UInt64) -> SeededGenerator {
        SeededGenerator(seed: seed ^ 0x5EED_D17E_F10A_7000)
    }

    public func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) {
        for s in signals {
            update(
                &layers[s.layer].values, x: s.x, xStride: s.xStride, xLists: s.xLists, delta: s.delta, cols: s.cols,
                count: count, rate: rate)
        }
    }

    /// `W −= η·Σ_b u(x_b, δ_b)` for one layer (`W` has `xStride` rows, the bias row last);
    /// `xLists` are `x`'s row lists when known (continuous signals only: discretised `x` has
    /// other non-zeros).
    private func update(
        _ weights: inout [Float], x: [Float], xStride: Int, xLists: Kernels.SparseLists?, delta: [Float], cols: Int,
        count: Int, rate: Float
    ) {
        let xCount = count * xStride
        let deltaCount = count * cols
        if active.count < count { active = [UInt8](repeating: 0, count: count) }
        guard let encoding else {
            x.withUnsafeBufferPointer { xs in
                delta.withUnsafeBufferPointer { ds in
                    let activeCount = Kernels.markNonZeroRows(ds.baseAddress!, batch: count, cols: cols, active: &active)
                    if activeCount == 0 { return }
                    apply(
                        &weights, x: xs.baseAddress!, xStride: xStride, xLists: xLists, delta: ds.baseAddress!, cols: cols,
                        count: count, rate: rate)
                }
            }
            return
        }
        // Discretise copies of δ (after x) and of x (first) to the values pulses represent, or, for
        // absmin when a row's count of coincident pulses fits 16-bit lanes, to the pulse counts
        // themselves (a step of 1; priced once at the end). With stochastic rounding each
        // example draws its dither, in example order, whether or not its row turns out to
        // matter. Only the x rows of examples with a non-zero δ row are discretised (the others
        // add nothing; their rows keep stale finite values): at 20 levels most hidden-error rows
        // round to zero.
        let counting = method == .absmin && Self.countsFit(encoding, batch: count)
        let (xQuantum, deltaQuantum) = (Float(encoding.xQuantum), Float(encoding.deltaQuantum))
        let xs = counting ? 1 : xStep(method, xQuantum, deltaQuantum)
        let deltaStep = counting ? 1 : deltaQuantum
        let (deltaMin, deltaMax, xMax) = (Float(encoding.deltaMin), Float(encoding.deltaMax), Float(encoding.xMax))
        let dithers = (0..<count).map { _ in encoding.rounding == .stochastic ? Float.random(in: 0..<1, using: &dither) : 0 }
        if quantized.count < xCount + deltaCount { quantized = [Float](repeating: 0, count: xCount + deltaCount) }
        let threads = threads
        quantized.withUnsafeMutableBufferPointer { buffer in
            let (qx, qd) = (buffer.baseAddress!, buffer.baseAddress! + xCount)
            delta.withUnsafeBufferPointer { qd.update(from: $0.baseAddress!, count: deltaCount) }
            for b in 0..<count {
                Kernels.quantize(
                    qd + b * cols, count: cols, quantum: deltaQuantum, step: deltaStep, lower: deltaMin, upper: deltaMax,
                    rounding: encoding.rounding, dither: dithers[b])
            }
            if Kernels.markNonZeroRows(qd, batch: count, cols: cols, active: &active) == 0 { return }
            x.withUnsafeBufferPointer { source in
                active.withUnsafeBufferPointer { active in
                    FixedPartition.run(count: count, block: 16, threads: threads) { examples in
                        for b in examples where active[b] != 0 {
                            let row = qx + b * xStride
                            row.update(from: source.baseAddress! + b * xStride, count: xStride)
                            Kernels.quantize(
                                row, count: xStride, quantum: xQuantum, step: xs, lower: 0, upper: xMax,
                                rounding: encoding.rounding, dither: dithers[b])
                        }
                    }
                }
            }
            if counting {
                applyCounts(&weights, nx: qx, xStride: xStride, nd: qd, cols: cols, count: count, quantum: deltaQuantum, rate: rate)
            } else {
                apply(&weights, x: qx, xStride: xStride, xLists: nil, delta: qd, cols: cols, count: count, rate: rate)
            }
        }
    }

    /// Whether a minibatch of `batch` examples can be counted in 16-bit lanes: each example sends
    /// a weight at most `min(n_x, |n_δ|) ≤ maxCount` coincident pulses.
    static func countsFit(_ encoding: PulseEncoding, batch: Int) -> Bool {
        batch * encoding.maxCount <= Int(Int16.max)
    }

    /// absmin on pulse counts: `W −= η·q_δ·Σ_b clamp(n_δ, −n_x, n_x)`, counted exactly per row
    /// (``Kernels/countUpdate(lists:deltaCounts:rows:columns:cols:quantum:scale:weights:)``).
    /// `nx` holds the active examples' `x` counts, `nd` all `δ` counts (as whole floats).
    private func applyCounts(
        _ weights: inout [Float], nx: UnsafePointer<Float>, xStride: Int, nd: UnsafePointer<Float>, cols: Int,
        count: Int, quantum: Float, rate: Float
    ) {
        if deltaCounts.count < count * cols { deltaCounts = [Int16](repeating: 0, count: count * cols) }
        for k in 0..<(count * cols) { deltaCounts[k] = Int16(nd[k]) }
        buildLists(nx, xStride: xStride, xLists: nil, count: count)
        let (threads, lists) = (threads, lists)
        weights.withUnsafeMutableBufferPointer { w in
            let w = w.baseAddress!
            deltaCounts.withUnsafeBufferPointer { counts in
                FixedPartition.run(count: xStride, block: Self.rowBlock, threads: threads) { rows in
                    Kernels.countUpdate(
                        lists: lists, deltaCounts: counts.baseAddress!, rows: rows, cols: cols, quantum: quantum,
                        scale: -rate, weights: w)
                }
            }
        }
    }

    /// Lists the active examples' non-zero `x` by row of `W` (column lists,
    /// ``Kernels/SparseLists``), from `x`'s row lists when given, else by scanning `x`; the
    /// rows shared between the threads.
    private func buildLists(_ x: UnsafePointer<Float>, xStride: Int, xLists: Kernels.SparseLists?, count: Int) {
        lists.reserve(lists: xStride, room: count)
        let (threads, lists) = (threads, lists)
        active.withUnsafeBufferPointer { active in
            let active = active.baseAddress!
            // Made from row lists, each block first searches every example's list for its start,
            // so the blocks are larger.
            let block = xLists == nil ? Self.rowBlock : 4 * Self.rowBlock
            FixedPartition.run(count: xStride, block: block, threads: threads) { rows in
                if let xLists {
                    lists.buildColumns(from: xLists, columns: rows, active: active)
                } else {
                    lists.buildColumns(of: x, xStride: xStride, columns: rows, active: active)
                }
            }
        }
    }

    /// The value of one `x` pulse in the update. `times` multiplies the represented values,
    /// `x̂·δ̂ = (n_x·q_x)·(n_δ·q_δ)`. `absmin` is what coincident pulses do: `min(n_x, |n_δ|)`
    /// pulses, each one weight step of `η·q_δ`, so `x`'s count is priced in `q_δ` too and the
    /// clamp below yields `q_δ·sign(n_δ)·min(n_x, |n_δ|)`. (`q_δ` keeps an error-limited step
    /// equal to the quantised error, as in the continuous rule; with `shared` both quanta are
    /// one and nothing changes.)
    private func xStep(_ method: UpdateMethod, _ xQuantum: Float, _ deltaQuantum: Float) -> Float {
        switch method {
        case .times: return xQuantum
        case .absmin: return deltaQuantum
        }
    }

    /// Fraction of non-zero values in the active examples' rows of `x`, over all `count` rows
    /// (counted in `xLists` when given).
    private func activeDensity(_ x: UnsafePointer<Float>, xStride: Int, xLists: Kernels.SparseLists?, count: Int) -> Double {
        let nonZero = (0..<count).reduce(0.0) { sum, b in
            if active[b] == 0 { return sum }
            if let xLists { return sum + Double(xLists.entries(b..<(b + 1))) / Double(xStride) }
            return sum + Kernels.density(x + b * xStride, rows: 1, cols: xStride, stride: xStride)
        }
        return nonZero / Double(count)
    }

    private func apply(
        _ weights: inout [Float], x: UnsafePointer<Float>, xStride: Int, xLists: Kernels.SparseLists?,
        delta: UnsafePointer<Float>, cols: Int, count: Int, rate: Float
    ) {
        // Only the rows of active examples count. The others may hold stale (finite) values: the
        // sparse kernel skips them, and in a GEMM they meet an all-zero δ row.
        let sparse = method == .absmin
            || activeDensity(x, xStride: xStride, xLists: xLists, count: count) < sparseDensityLimit
        if sparse { buildLists(x, xStride: xStride, xLists: xLists, count: count) }
        let (threads, method, lists) = (threads, method, lists)
        weights.withUnsafeMutableBufferPointer { w in
            let w = w.baseAddress!
            // Both split W by blocks of rows. (The sparse kernel split it by blocks of 64
            // columns before, but 110 columns make 7 vector lanes, which two threads share
            // 4 : 3; by rows they share evenly, and the update of an MNIST epoch on two threads
            // took 14 % less in eight runs of each.)
            FixedPartition.run(count: xStride, block: Self.rowBlock, threads: threads) { part in
                if sparse {
                    Kernels.rowUpdate(method, lists: lists, delta: delta, rows: part, cols: cols, scale: -rate, weights: w)
                } else {
                    Kernels.gemm(
                        transA: true, m: part.count, n: cols, k: count, alpha: -rate, a: x + part.lowerBound,
                        lda: xStride, b: delta, ldb: cols, beta: 1, c: w + part.lowerBound * cols, ldc: cols)
                }
            }
        }
    }
}
