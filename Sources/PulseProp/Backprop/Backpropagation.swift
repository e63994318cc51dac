/// The paper's rule on a ``Network``, per minibatch (`B` examples, `δ = ∂L/∂z`):
///
///     h = f(x·W1),  y = σ(h·W2),  δ2 = y − t
///     δ1 = g_h·(δ2·Fᵀ) ⊙ f′(h),  F = W2 (transposed) or the fixed random B (const)
///     W2 −= η·Σ_b u(h_b, δ2_b),  W1 −= η·Σ_b u(x_b, δ1_b)
///
/// with `u` applied by the weight holder (times or absmin, on discretised signals when
/// levels > 0). `δ2 = y − t` is the gradient of the summed binary cross-entropy of the
/// sigmoid outputs. Hidden errors are computed before either layer is updated, and the output
/// layer's signals come first. Owns every buffer, so a minibatch allocates nothing.
public final class Backpropagation: TrainingAlgorithm {
    /// The configuration trained with (batch size, hidden-error gain).
    public let configuration: BackpropConfiguration
    /// Computes the forward products instead of CBLAS when set (e.g. a SPICE crossbar read).
    public var product: LayerProduct?
    /// Threads that share each minibatch's forward products (results do not depend on it).
    public var threads = 1
    /// Input density below which forward products take the sparse kernel.
    public var sparseDensityLimit = Kernels.sparseDensityLimit
    private var buffers: ForwardBuffers
    private var hiddenDelta: [Float]
    private var outputDelta: [Float]
    /// Each example's misclassification and loss in the last minibatch.
    private var scores: [(wrong: Bool, loss: Double)] = []

    /// An algorithm for networks shaped like `network`.
    public init(configuration: BackpropConfiguration, network: Network) {
        self.configuration = configuration
        buffers = ForwardBuffers(capacity: configuration.batch, network: network)
        hiddenDelta = [Float](repeating: 0, count: configuration.batch * network.hidden)
        outputDelta = [Float](repeating: 0, count: configuration.batch * network.outputs)
    }

    public func trainBatch(
        _ network: inout Network, data: Dataset, indices: ArraySlice<Int>, rate: Float, updater: WeightUpdater
    ) throws -> (wrong: Int, loss: Double) {
        buffers.load(data, indices: indices, threads: threads)
        try network.forward(&buffers, count: indices.count, product: product, threads: threads, sparseDensityLimit: sparseDensityLimit)
        let score = outputErrors(network, data: data, indices: indices)
        backpropagate(network, count: indices.count)
        let signals = Self.signals(network, buffers: buffers, outputDelta: outputDelta, hiddenDelta: hiddenDelta)
        try updater.update(&network.layers, signals: signals, count: indices.count, rate: rate)
        return score
    }

    /// Both layers' update signals, the output layer's first: `(h, δ2)` and `(x, δ1)`.
    public static func signals(
        _ network: Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float]
    ) -> [LayerSignals] {
        [
            LayerSignals(layer: 1, x: buffers.hiddenActivity, xStride: network.hidden + 1, delta: outputDelta, cols: network.outputs),
            LayerSignals(
                layer: 0, x: buffers.input, xStride: network.inputs + 1, delta: hiddenDelta, cols: network.hidden,
                xLists: buffers.inputLists),
        ]
    }

    /// `δ2 = y − t` for the first `count` examples, shared between the threads in fixed blocks
    /// of 16 examples (with each example's loss, the costly part); returns the examples
    /// misclassified and the summed loss (each example's loss from
    /// ``ForwardBuffers/score(example:label:)``, added in example order, so the total does not
    /// depend on the threads).
    private func outputErrors(_ network: Network, data: Dataset, indices: ArraySlice<Int>) -> (wrong: Int, loss: Double) {
        let (outputs, count) = (network.outputs, indices.count)
        let labels = indices.map { data.labels[$0] }
        if scores.count < count { scores = Array(repeating: (false, 0), count: count) }
        let (buffers, threads) = (buffers, threads)
        outputDelta.withUnsafeMutableBufferPointer { d2 in
            scores.withUnsafeMutableBufferPointer { scores in
                let d2 = d2.baseAddress!
                FixedPartition.run(count: count, block: 16, threads: threads) { examples in
                    for b in examples {
                        scores[b] = buffers.score(example: b, label: labels[b])
                        for o in 0..<outputs {
                            d2[b * outputs + o] = buffers.output[b * outputs + o] - (labels[b] == o ? 1 : 0)
                        }
                    }
                }
            }
        }
        return scores[0..<count].reduce((0, 0.0)) { ($0.0 + ($1.wrong ? 1 : 0), $0.1 + $1.loss) }
    }

    /// `δ1 = g_h·(δ2·Fᵀ) ⊙ f′(h)`: one GEMM over the minibatch (not split: OpenBLAS rounds
    /// blocks differently), then the slope, shared between the threads in blocks of examples.
    private func backpropagate(_ network: Network, count: Int) {
        let (hidden, outputs) = (network.hidden, network.outputs)
        let feedback = network.feedback ?? network.layers[1].values  // the first `hidden` rows are W2
        let (gain, relu) = (Float(configuration.hiddenDeltaGain), network.activation == .relu)
        let (buffers, threads) = (buffers, threads)
        feedback.withUnsafeBufferPointer { f in
            outputDelta.withUnsafeBufferPointer { d2 in
                hiddenDelta.withUnsafeMutableBufferPointer { d1 in
                    let d1 = d1.baseAddress!
                    Kernels.gemm(
                        transB: true, m: count, n: hidden, k: outputs, alpha: 1, a: d2.baseAddress!, lda: outputs,
                        b: f.baseAddress!, ldb: outputs, beta: 0, c: d1, ldc: hidden)
                    buffers.hiddenActivity.withUnsafeBufferPointer { h in
                        let h = h.baseAddress!
                        FixedPartition.run(count: count, block: Kernels.exampleBlock, threads: threads) { examples in
                            for b in examples {
                                let (row, a) = (d1 + b * hidden, h + b * (hidden + 1))
                                // gain·f′(h): for ReLU gain·1 or gain·0, as selects (vectorised).
                                if relu {
                                    for j in 0..<hidden { row[j] *= a[j] > 0 ? gain : 0 }
                                } else {
                                    for j in 0..<hidden { row[j] *= gain * (a[j] * (1 - a[j])) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
