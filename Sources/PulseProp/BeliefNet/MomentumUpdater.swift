/// The digital side of a belief net's update, Hinton's momentum and weight cost ("A practical
/// guide to training RBMs", §9–10) kept in coincidence counts: every minibatch's counts `C`
/// (``LayerSignals/counts(count:rows:into:)``) feed a velocity per layer,
///
///     V ← μ·V + C − λ·B·W        (weights only: the bias row and column are not decayed)
///
/// for minibatches of `B`, and `V` goes to the weight holder as counts (``CountWriter``).
/// Float weights change by `(η/B)·V`, i.e. `ΔW ← μ·ΔW + η·(C/B − λ·W)`;
/// device pairs are written one pulse per `θ` of `V`. With `μ = λ = 0`, `V = C` exactly and
/// the holder sees the plain CD counts.
///
/// Only the RBM being trained has a velocity (``start(layer:)`` drops the others'); the
/// checkpoint keeps it (``velocities``).
public final class MomentumUpdater: WeightUpdater {
    /// Where the velocity goes.
    public let writer: CountWriter
    /// `μ` of the next updates (the run lowers it in the first epochs of each RBM).
    public var momentum: Float
    /// `λ·B`: weight cost in counts per unit weight and minibatch.
    private let decayCounts: Float
    /// Velocity per layer in counts, `rows × cols` (empty for layers not being trained).
    public private(set) var velocities: [[Float]]
    private var scratch: [Float] = []

    /// A velocity stage in front of `writer` for `layers` trained on minibatches of `batch`,
    /// with weight cost `λ = weightDecay`, continuing `saved` velocities.
    public init(
        writer: CountWriter, layers: [WeightLayer], batch: Int, momentum: Double, weightDecay: Double, saved: [[Float]]? = nil
    ) throws {
        try require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got \(momentum)")
        try require(weightDecay >= 0 && weightDecay.isFinite, "weight-decay", "must be a finite value ≥ 0, got \(weightDecay)")
        self.writer = writer
        self.momentum = Float(momentum)
        decayCounts = Float(weightDecay * Double(batch))
        let fresh = layers.map { _ in [Float]() }
        if let saved {
            try require(
                saved.count == layers.count && zip(saved, layers).allSatisfy { $0.isEmpty || $0.count == $1.values.count },
                "velocities", "do not match the net's layers")
        }
        velocities = saved ?? fresh
    }

    /// Starts training RBM `layer`: its velocity is kept (zero if it had none), every other
    /// layer's dropped.
    public func start(layer: Int, of layers: [WeightLayer]) {
        for l in velocities.indices where l != layer { velocities[l] = [] }
        if velocities[layer].isEmpty { velocities[layer] = [Float](repeating: 0, count: layers[layer].values.count) }
    }

    public func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) throws {
        for s in signals {
            let (rows, cols) = (layers[s.layer].rows, layers[s.layer].cols)
            if scratch.count < rows * cols { scratch = [Float](repeating: 0, count: rows * cols) }
            if velocities[s.layer].isEmpty { start(layer: s.layer, of: layers) }
            let (mu, cost) = (momentum, decayCounts)
            scratch.withUnsafeMutableBufferPointer { c in
                s.counts(count: count, rows: rows, into: c.baseAddress!)
                velocities[s.layer].withUnsafeMutableBufferPointer { v in
                    layers[s.layer].values.withUnsafeBufferPointer { w in
                        for i in 0..<rows {
                            let decays = i < rows - 1
                            for j in 0..<cols {
                                let k = i * cols + j
                                let decay = decays && j < cols - 1 ? cost * w[k] : 0
                                v[k] = mu * v[k] + c[k] - decay
                            }
                        }
                    }
                }
            }
            try velocities[s.layer].withUnsafeBufferPointer { v in
                try writer.write(counts: UnsafeBufferPointer(rebasing: v[0..<(rows * cols)]), layer: s.layer, to: &layers, rate: rate)
            }
        }
    }
}
