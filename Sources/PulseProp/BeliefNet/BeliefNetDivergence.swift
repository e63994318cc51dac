/// A belief-net run whose weights or reconstruction error stopped being finite (too large a
/// learning rate): one line naming the RBM and epoch. The epoch's checkpoint is not written,
/// so the last one on disk is the last finite net.
public struct BeliefNetDivergence: Error, CustomStringConvertible, Equatable {
    /// The RBM and its epoch (from 1) that diverged.
    public let layer: Int
    public let epoch: Int
    /// The learning rate of the run.
    public let learningRate: Double

    public var description: String {
        "dbn diverged in RBM \(layer) epoch \(epoch): weights or reconstruction error not finite at --lr \(learningRate.shortDecimal); lower --lr (a checkpoint on disk holds the last finite epoch)"
    }

    /// Throws unless `loss` and every weight of `net` are finite.
    static func check(_ net: BeliefNet, loss: Double, layer: Int, epoch: Int, learningRate: Double) throws {
        let finite = loss.isFinite && net.layers.allSatisfy { $0.values.allSatisfy(\.isFinite) }
        if !finite { throw BeliefNetDivergence(layer: layer, epoch: epoch, learningRate: learningRate) }
    }
}
