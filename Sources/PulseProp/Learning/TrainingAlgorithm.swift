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
