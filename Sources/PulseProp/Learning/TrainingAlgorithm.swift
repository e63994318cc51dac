/// A learning algorithm at the scale of one minibatch: from the minibatch's examples it
/// computes what every layer's update is made of (``LayerSignals``) and has the weight holder
/// (``WeightUpdater``: float weights, or crossbars through their engines) apply it.
///
/// ``Backpropagation`` trains a ``Network`` from its output errors; contrastive divergence
/// (``ContrastiveDivergence``) trains one restricted Boltzmann machine of a deep belief net
/// from the difference of its data and model statistics. Both drive the same ``WeightLayer``
/// arrays through the same updaters.
public protocol TrainingAlgorithm: AnyObject {
    /// What is trained (it holds the ``WeightLayer`` array the updater changes).
    associatedtype Model
    /// Trains `model` on the examples `indices` of `data` at rate `rate` through `updater`;
    /// returns the batch's errors (misclassified examples, or for an unsupervised layer its
    /// reconstruction errors) and its summed loss, both measured before the update.
    func trainBatch(
        _ model: inout Model, data: Dataset, indices: ArraySlice<Int>, rate: Float, updater: WeightUpdater
    ) throws -> (wrong: Int, loss: Double)
}

extension TrainingAlgorithm {
    /// One pass over `data` in the order `order`, minibatches of `batch` examples, at rate
    /// `rate`; reports the examples done at the start and after every minibatch to
    /// `progress`, and returns the summed errors and loss of all minibatches.
    public func trainEpoch(
        _ model: inout Model, data: Dataset, order: [Int], batch: Int, rate: Float, updater: WeightUpdater,
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws -> (wrong: Int, loss: Double) {
        var wrong = 0
        var loss = 0.0
        var start = 0
        progress?(0, order.count)
        while start < order.count {
            let indices = order[start..<min(start + batch, order.count)]
            let (w, l) = try trainBatch(&model, data: data, indices: indices, rate: rate, updater: updater)
            wrong += w
            loss += l
            start = indices.endIndex
            progress?(start, order.count)
        }
        return (wrong, loss)
    }
}
