/// Contrastive divergence (CD-k) on one RBM of a ``BeliefNet``, per minibatch of `B` examples:
///
///     v₀ ~ the data at this layer       h₀ ~ p(h | v₀)
///     repeat k times:  v ~ p(v | h),  h ~ p(h | v)        (v_k, h_k at the end)
///     ΔW = η·(v₀ᵀh₀ − v_kᵀh_k)                             (unit vectors extended by 1)
///
/// With ``BeliefNetStatistics/samples`` every unit is a binary sample, so both products count
/// coincidences: the data phase's `v_i·h_j` and the model phase's `v'_i·h'_j` are exactly the
/// pulses that coincide on row `i` and column `j` of a crossbar. The data at layer 0 are
/// binary samples of the input intensities; at a higher layer they are samples of the hidden
/// units of the RBMs below, driven by the data (drawn afresh every time an example is seen).
///
/// With ``BeliefNetStatistics/probabilities`` (Hinton's code) the statistics use
/// probabilities where the chain allows, which lowers their sampling noise: the data are the
/// input intensities and the lower RBMs' hidden probabilities, `h₀` in the data product is
/// `p(h | v₀)` (a sample of it drives the reconstruction), the reconstruction `v₁ = p(v | h₀)`
/// is not sampled, and the last `h_k = p(h | v_k)`.
///
/// At the top RBM the example's one-hot label joins the data. The update goes to the weight
/// holder as `2B` signal rows, `(v₀, −h₀)` then `(v_k, +h_k)`, for `W −= η·Σ x·δ`.
public final class ContrastiveDivergence: TrainingAlgorithm {
    /// The RBM trained.
    public let layer: Int
    /// Gibbs steps of the model phase.
    public let k: Int
    /// Binary samples or probabilities in the statistics.
    public let statistics: BeliefNetStatistics
    /// The sampling generator (a checkpoint keeps it).
    public var generator: SeededGenerator
    private var visible: [[Float]]  // per layer up to `layer`: B × (visible + 1)
    private var model: [Float]  // B × (visible + 1), v_k
    private var hidden0: [Float]  // B × (hidden + 1), h₀
    private var hidden: [Float]  // B × (hidden + 1), h_k
    private var signals = LayerSignals(layer: 0, x: [], xStride: 0, delta: [], cols: 0)

    /// CD-`k` on RBM `layer` of nets shaped like `net`, for minibatches of up to `batch`, with
    /// statistics of `statistics`.
    public init(
        net: BeliefNet, layer: Int, k: Int, batch: Int, statistics: BeliefNetStatistics, generator: SeededGenerator
    ) {
        precondition(k >= 1 && (0..<net.layers.count).contains(layer), "impossible CD settings")
        self.layer = layer
        self.k = k
        self.statistics = statistics
        self.generator = generator
        visible = (0...layer).map { [Float](repeating: 1, count: batch * (net.visible($0) + 1)) }
        model = [Float](repeating: 1, count: batch * (net.visible(layer) + 1))
        hidden0 = [Float](repeating: 1, count: batch * (net.hidden(layer) + 1))
        hidden = hidden0
    }

    /// Trains the RBM on one minibatch; returns no classification errors (0) and the summed
    /// squared reconstruction error `Σ (v₀ − p(v | h₀))²` over the non-label visible units.
    public func trainBatch(
        _ net: inout BeliefNet, data: Dataset, indices: ArraySlice<Int>, rate: Float, updater: WeightUpdater
    ) throws -> (wrong: Int, loss: Double) {
        let count = indices.count
        loadData(net, data: data, indices: indices)
        let rbm = net.layers[layer]
        let (rows, cols) = (rbm.rows, rbm.cols)
        let labels = layer == net.top ? net.classes : 0
        var loss = 0.0
        let samples = statistics == .samples
        visible[layer].withUnsafeBufferPointer { v0 in
            hidden0.withUnsafeMutableBufferPointer { h0 in
                RBMUnits.up(rbm, v: v0.baseAddress!, count: count, p: h0.baseAddress!)
                if samples { RBMUnits.sample(h0.baseAddress!, count: count, width: cols, using: &generator) }
            }
        }
        hidden.withUnsafeMutableBufferPointer { h in
            hidden0.withUnsafeBufferPointer { h0 in h.baseAddress!.update(from: h0.baseAddress!, count: count * cols) }
            if !samples { RBMUnits.sample(h.baseAddress!, count: count, width: cols, using: &generator) }
        }
        for step in 0..<k {
            model.withUnsafeMutableBufferPointer { v in
                hidden.withUnsafeMutableBufferPointer { h in
                    RBMUnits.down(rbm, h: h.baseAddress!, count: count, labels: labels, p: v.baseAddress!)
                    if step == 0 { loss = reconstructionError(v.baseAddress!, count: count, rows: rows, labels: labels) }
                    if samples { RBMUnits.sample(v.baseAddress!, count: count, width: rows, labels: labels, using: &generator) }
                    RBMUnits.up(rbm, v: v.baseAddress!, count: count, p: h.baseAddress!)
                    if samples || step < k - 1 { RBMUnits.sample(h.baseAddress!, count: count, width: cols, using: &generator) }
                }
            }
        }
        signals.layer = layer
        signals.xStride = rows
        signals.cols = cols
        signals.x.removeAll(keepingCapacity: true)
        signals.x.append(contentsOf: visible[layer][0..<(count * rows)])
        signals.x.append(contentsOf: model[0..<(count * rows)])
        signals.delta.removeAll(keepingCapacity: true)
        signals.delta.append(contentsOf: hidden0[0..<(count * cols)].lazy.map { -$0 })
        signals.delta.append(contentsOf: hidden[0..<(count * cols)])
        try updater.update(&net.layers, signals: [signals], count: 2 * count, rate: rate)
        return (0, loss)
    }

    /// `Σ (v₀ − p)²` over the binary visible units of `count` rows of probabilities `p`.
    private func reconstructionError(_ p: UnsafePointer<Float>, count: Int, rows: Int, labels: Int) -> Double {
        var sum = 0.0
        visible[layer].withUnsafeBufferPointer { v0 in
            for b in 0..<count {
                for i in 0..<(rows - 1 - labels) {
                    let d = Double(v0[b * rows + i] - p[b * rows + i])
                    sum += d * d
                }
            }
        }
        return sum
    }

    /// Fills `visible[l]` for `l ≤ layer`: binary samples of the inputs, then of each lower
    /// RBM's hidden units, and the one-hot labels at the top RBM.
    private func loadData(_ net: BeliefNet, data: Dataset, indices: ArraySlice<Int>) {
        let count = indices.count
        let stride = net.visible(0) + 1
        data.inputs.withUnsafeBufferPointer { inputs in
            visible[0].withUnsafeMutableBufferPointer { v in
                for (b, index) in indices.enumerated() {
                    for i in 0..<data.features {
                        let p = inputs[index * data.features + i]
                        v[b * stride + i] = statistics == .probabilities ? p : generator.nextUnitFloat() < p ? 1 : 0
                    }
                }
            }
        }
        for l in 0..<layer {
            let next = net.visible(l + 1) + 1
            let rbm = net.layers[l]
            visible[l].withUnsafeBufferPointer { below in
                visible[l + 1].withUnsafeMutableBufferPointer { above in
                    // The hidden layer of RBM l is the visible layer of RBM l + 1: sampled in
                    // place. At the top RBM the labels follow it (written below; the bias 1
                    // that `up` puts in the first label's place is overwritten) and the row's
                    // own bias, last, keeps its 1.
                    RBMUnits.up(rbm, v: below.baseAddress!, count: count, p: above.baseAddress!, stride: next)
                    if statistics == .samples {
                        RBMUnits.sample(above.baseAddress!, count: count, width: rbm.cols, stride: next, using: &generator)
                    }
                }
            }
        }
        if layer == net.top {
            let stride = net.visible(layer) + 1
            let first = net.sizes[layer]
            visible[layer].withUnsafeMutableBufferPointer { v in
                for (b, index) in indices.enumerated() {
                    for c in 0..<net.classes { v[b * stride + first + c] = data.labels[index] == c ? 1 : 0 }
                }
            }
        }
    }
}
