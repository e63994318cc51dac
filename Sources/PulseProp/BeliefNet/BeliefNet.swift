import Foundation

/// A deep belief net (Hinton et al. 2006): a stack of restricted Boltzmann machines with
/// stochastic binary units, trained greedily layer by layer with contrastive divergence, the
/// top machine joint with the class labels.
///
/// `sizes` lists the units from the input up, e.g. `[784, 500, 500, 2000]`: RBM `l` has
/// `sizes[l]` visible and `sizes[l+1]` hidden units, and the top RBM's visible layer also
/// holds `classes` label units (one-hot, sampled as a softmax group). Each RBM is one
/// ``WeightLayer`` of `(visible + 1) × (hidden + 1)` weights: row `visible` holds the hidden
/// biases `c_j`, column `hidden` the visible biases `b_i`, so that with both unit vectors
/// extended by a constant 1,
///
///     p(h_j = 1 | v) = σ(Σ_i v_i·W_ij + c_j),   p(v_i = 1 | h) = σ(Σ_j W_ij·h_j + b_i),
///
/// and the contrastive-divergence update `ΔW = η·(v₀ᵀh₀ − v_kᵀh_k)` of the extended vectors
/// updates weights and both biases alike (the corner weight never changes).
///
/// Classification is by the joint top RBM (the form of Hinton et al. and of Wang et al.'s
/// code): the input is propagated up by the hidden probabilities of the lower RBMs, and the
/// label `y` with the lowest free energy of the top RBM wins,
///
///     F(v, y) = −b_y − Σ_j softplus(c_j + Σ_i v_i·W_ij + W_yj)
///
/// (terms that do not depend on `y` dropped). It needs no read-out trained by another rule,
/// so every weight of the net is learned by the same coincidence update.
public struct BeliefNet: Codable, Equatable, Sendable {
    /// Units from the input up (input features first).
    public let sizes: [Int]
    /// Label units of the top RBM.
    public let classes: Int
    /// The RBMs from the input up.
    public var layers: [WeightLayer]

    /// Draws every weight from `N(0, 0.01²)` and sets every bias to 0 (Hinton's practical
    /// guide); `sizes` needs at least two entries.
    public init(sizes: [Int], classes: Int, using rng: inout SeededGenerator) {
        precondition(sizes.count >= 2 && sizes.allSatisfy { $0 > 0 } && classes > 0, "impossible belief-net shape")
        self.sizes = sizes
        self.classes = classes
        layers = []
        for l in 0..<(sizes.count - 1) {
            let (v, h) = (Self.visible(sizes: sizes, classes: classes, layer: l), sizes[l + 1])
            var values = [Float](repeating: 0, count: (v + 1) * (h + 1))
            for i in 0..<v {
                for j in 0..<h { values[i * (h + 1) + j] = Float(0.01 * rng.standardNormal()) }
            }
            layers.append(WeightLayer(rows: v + 1, cols: h + 1, values: values))
        }
    }

    /// Visible units of RBM `layer` (the labels included for the top one).
    public func visible(_ layer: Int) -> Int { Self.visible(sizes: sizes, classes: classes, layer: layer) }

    /// Hidden units of RBM `layer`.
    public func hidden(_ layer: Int) -> Int { sizes[layer + 1] }

    /// Index of the top (joint) RBM.
    public var top: Int { layers.count - 1 }

    private static func visible(sizes: [Int], classes: Int, layer: Int) -> Int {
        sizes[layer] + (layer == sizes.count - 2 ? classes : 0)
    }

    /// Checks the layers against `sizes` and `classes`, naming the first bad field.
    public func validate() throws {
        try require(sizes.count >= 2, "sizes", "needs the input and at least one hidden layer")
        try require(sizes.allSatisfy { $0 > 0 }, "sizes", "must all be ≥ 1")
        try require(classes > 0, "classes", "must be ≥ 1")
        try require(layers.count == sizes.count - 1, "layers", "holds \(layers.count) RBMs; the sizes need \(sizes.count - 1)")
        for (l, layer) in layers.enumerated() {
            try layer.validate("layers[\(l)]", rows: visible(l) + 1, cols: hidden(l) + 1)
        }
    }
}
