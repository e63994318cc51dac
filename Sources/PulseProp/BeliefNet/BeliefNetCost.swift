/// The memory a belief-net run needs, estimated before anything is allocated (the rules of
/// thumb of ``MemoryBudget``): the net's weights with their copies (velocities, the
/// checkpoint and its JSON text, device pairs) and the minibatch buffers of contrastive
/// divergence, `batch` rows per phase of the widest RBM.
public struct BeliefNetCost: Sendable {
    public let configuration: BeliefNetConfiguration
    /// Input features and label classes of the data.
    public let features: Int
    public let classes: Int

    public init(configuration: BeliefNetConfiguration, features: Int, classes: Int) {
        self.configuration = configuration
        self.features = features
        self.classes = classes
    }

    /// Units from the input up, in `Double` so that absurd sizes cannot overflow.
    private var sizes: [Double] { ([features] + configuration.layers).map(Double.init) }

    /// Visible units of RBM `l` (labels included at the top).
    private func visible(_ l: Int) -> Double { sizes[l] + (l == sizes.count - 2 ? Double(classes) : 0) }

    /// Weights and biases of every RBM.
    public var parameters: Double {
        (0..<(sizes.count - 1)).map { (visible($0) + 1) * (sizes[$0 + 1] + 1) }.reduce(0, +)
    }

    /// Bytes per parameter: the net, velocities and scratch, the checkpoint's value and JSON
    /// text (as ``BackpropCost``), and for device pairs two device states, an accumulator and
    /// their JSON text.
    public var bytesPerParameter: Double { configuration.weights == .pair ? 240 : 80 }

    /// Bytes of the CD buffers of the widest RBM: the data at every layer up to it, the model
    /// phase, both hidden phases and the update's signal rows (twice the batch), plus the
    /// classifier's blocks of 500 examples.
    public var bufferBytes: Double {
        let batch = Double(configuration.batch)
        let widest = (0..<(sizes.count - 1)).map { l -> Double in
            let below = (0...l).map { visible($0) + 1 }.reduce(0, +)
            return batch * (below + 3 * (visible(l) + 1) + 4 * (sizes[l + 1] + 1))
        }.max() ?? 0
        let classifier = 500 * (0..<(sizes.count - 1)).map { visible($0) + 1 }.reduce(0, +)
        return 4 * (widest + classifier)
    }

    /// Everything together.
    public var bytes: Double { bytesPerParameter * parameters + bufferBytes }

    /// Throws a one-line ``ParameterError`` (naming `batch` or `layers`, whichever dominates)
    /// with the estimate and the limit unless the run fits `budget`.
    public func check(_ budget: MemoryBudget) throws {
        let shape = ([features] + configuration.layers).map(String.init).joined(separator: "-")
        try budget.check(
            bytes, option: bufferBytes > bytesPerParameter * parameters ? "batch" : "layers",
            request: "a [\(shape)] belief net (\(configuration.weights.rawValue) weights) at minibatch \(configuration.batch)")
    }
}
