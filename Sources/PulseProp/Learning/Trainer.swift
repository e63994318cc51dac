import Foundation

/// Trains a ``Network`` by minibatches with the configured rule; owns every buffer so an
/// epoch allocates nothing.
///
/// Per minibatch (`B` examples, `δ = ∂L/∂z`):
///
///     h = f(x·W1),  y = σ(h·W2),  δ2 = y − t
///     δ1 = (δ2·Fᵀ) ⊙ f′(h),  F = W2 (transposed) or the fixed random B (const)
///     W2 −= η·Σ_b u(h_b, δ2_b),  W1 −= η·Σ_b u(x_b, δ1_b)
///
/// with `u(x, δ) = x·δ` (times) or `sign(x·δ)·min(|x|,|δ|)` (absmin), on the discretised
/// `x`, `δ` when levels > 0. `δ2 = y − t` is the gradient of the summed binary cross-entropy
/// of the sigmoid outputs. Hidden errors are computed before either layer is updated.
public final class Trainer {
    /// The configuration trained with.
    public let configuration: TrainingConfiguration
    /// The network as trained so far.
    public private(set) var network: Network
    private let weightUpdater: WeightUpdater
    /// Computes the forward products instead of CBLAS when set (e.g. a SPICE crossbar read).
    public var product: LayerProduct?
    /// Threads that share each minibatch's forward products and, for float weights, its
    /// update (results do not depend on it).
    public var threads = 1 {
        didSet { (weightUpdater as? IdealWeightUpdater)?.threads = max(threads, 1) }
    }
    /// Input density below which products and float-weight `times` updates take the sparse
    /// kernels (0: always the GEMMs, as a baseline).
    public var sparseDensityLimit = Kernels.sparseDensityLimit {
        didSet { (weightUpdater as? IdealWeightUpdater)?.sparseDensityLimit = sparseDensityLimit }
    }
    /// Called at the start of an epoch and after every minibatch with the examples done and
    /// the epoch's size (progress within long epochs).
    public var batchProgress: ((_ done: Int, _ total: Int) -> Void)?
    private var batchBuffers: ForwardBuffers
    private var evaluationBuffers: ForwardBuffers
    private var hiddenDelta: [Float]
    private var outputDelta: [Float]

    /// Creates a trainer for `network` (whose shape must match the data it will see).
    public init(configuration: TrainingConfiguration, network: Network, weightUpdater: WeightUpdater) {
        self.configuration = configuration
        self.network = network
        self.weightUpdater = weightUpdater
        batchBuffers = ForwardBuffers(capacity: configuration.batch, network: network)
        evaluationBuffers = ForwardBuffers(capacity: 1000, network: network)
        hiddenDelta = [Float](repeating: 0, count: configuration.batch * network.hidden)
        outputDelta = [Float](repeating: 0, count: configuration.batch * network.outputs)
    }

    /// One pass over `data` in the order `order`, at learning rate `rate`; returns the
    /// fraction of examples misclassified (before their update) and the mean loss.
    public func trainEpoch(on data: Dataset, order: [Int], rate: Double) throws -> (error: Double, loss: Double) {
        var wrong = 0
        var loss = 0.0
        var start = 0
        batchProgress?(0, order.count)
        while start < order.count {
            let indices = order[start..<min(start + configuration.batch, order.count)]
            batchBuffers.load(data, indices: indices)
            try network.forward(&batchBuffers, count: indices.count, product: product, threads: threads, sparseDensityLimit: sparseDensityLimit)
            let (w, l) = outputErrors(data: data, indices: indices)
            wrong += w
            loss += l
            backpropagate(count: indices.count)
            try weightUpdater.update(
                &network, buffers: batchBuffers, outputDelta: outputDelta, hiddenDelta: hiddenDelta,
                count: indices.count, rate: Float(rate))
            start += configuration.batch
            batchProgress?(min(start, order.count), order.count)
        }
        return (Double(wrong) / Double(order.count), loss / Double(order.count))
    }

    /// Fraction of `data` misclassified by the current network, and the mean loss.
    public func evaluate(on data: Dataset) throws -> (error: Double, loss: Double) {
        var wrong = 0
        var loss = 0.0
        var start = 0
        while start < data.count {
            let indices = start..<min(start + evaluationBuffers.capacity, data.count)
            evaluationBuffers.load(data, indices: indices)
            try network.forward(&evaluationBuffers, count: indices.count, product: product, threads: threads, sparseDensityLimit: sparseDensityLimit)
            let (w, l) = evaluationBuffers.score(labels: data.labels, indices: indices)
            wrong += w
            loss += l
            start = indices.upperBound
        }
        return (Double(wrong) / Double(data.count), loss / Double(data.count))
    }

    /// `δ2 = y − t`; counts errors and the loss of this batch.
    private func outputErrors(data: Dataset, indices: ArraySlice<Int>) -> (Int, Double) {
        let outputs = network.outputs
        let score = batchBuffers.score(labels: data.labels, indices: indices)
        batchBuffers.output.withUnsafeBufferPointer { y in
            outputDelta.withUnsafeMutableBufferPointer { d in
                for (b, index) in indices.enumerated() {
                    for o in 0..<outputs {
                        d[b * outputs + o] = y[b * outputs + o] - (data.labels[index] == o ? 1 : 0)
                    }
                }
            }
        }
        return score
    }

    /// `δ1 = g_h·(δ2·Fᵀ) ⊙ f′(h)`.
    private func backpropagate(count: Int) {
        let (hidden, outputs) = (network.hidden, network.outputs)
        let feedback = network.feedback ?? network.w2  // the first `hidden` rows of w2 are W2
        feedback.withUnsafeBufferPointer { f in
            outputDelta.withUnsafeBufferPointer { d2 in
                hiddenDelta.withUnsafeMutableBufferPointer { d1 in
                    Kernels.gemm(
                        transB: true, m: count, n: hidden, k: outputs, alpha: 1, a: d2.baseAddress!, lda: outputs,
                        b: f.baseAddress!, ldb: outputs, beta: 0, c: d1.baseAddress!, ldc: hidden)
                    let gain = Float(configuration.hiddenDeltaGain)
                    batchBuffers.hiddenActivity.withUnsafeBufferPointer { h in
                        let stride = hidden + 1
                        for b in 0..<count {
                            for j in 0..<hidden {
                                let a = h[b * stride + j]
                                let slope: Float = network.activation == .relu ? (a > 0 ? 1 : 0) : a * (1 - a)
                                d1[b * hidden + j] *= gain * slope
                            }
                        }
                    }
                }
            }
        }
    }
}
