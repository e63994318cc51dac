/// The memory a training run needs, estimated from its configuration and data shape before
/// the network is built, so that `--hidden 100000000` or `--levels 1000000000` is refused
/// with one line (``MemoryBudget``) instead of dying in the allocator.
///
/// Per parameter (weights, biases and the random feedback matrix): 16 bytes for the float
/// copies the run holds (network, trainer, checkpoint) and ≈ 64 bytes while the checkpoint's
/// JSON is encoded; minibatch and evaluation buffers (1000 examples) of every layer's
/// activity in floats, twice; device weights add their states in doubles (three copies)
/// and each crossbar's engine (``StepCost``).
public struct BackpropCost: Sendable {
    /// The configuration.
    public let configuration: BackpropConfiguration
    /// Input features.
    public let inputs: Int
    /// Output classes.
    public let outputs: Int

    /// The cost of training `configuration` on data of `inputs` features and `outputs` classes.
    public init(configuration: BackpropConfiguration, inputs: Int, outputs: Int) {
        self.configuration = configuration
        self.inputs = inputs
        self.outputs = outputs
    }

    private var hidden: Double { Double(configuration.hidden) }

    /// Weights, biases and feedback matrix.
    public var parameters: Double {
        (Double(inputs) + 1) * hidden + (hidden + 1) * Double(outputs)
            + (configuration.feedback == .const ? hidden * Double(outputs) : 0)
    }

    /// Bytes of the network's copies and its checkpoint.
    public var parameterBytes: Double { 80 * parameters }

    /// Bytes of the minibatch and evaluation buffers.
    public var bufferBytes: Double {
        2 * 4 * (Double(configuration.batch) + 1000) * (Double(inputs) + 1 + 2 * (hidden + 1) + 2 * Double(outputs))
    }

    /// Bytes of the network, its checkpoint and the forward buffers.
    public var networkBytes: Double { parameterBytes + bufferBytes }

    /// The two crossbars of device weights (two columns per weight for pairs).
    public var crossbars: [StepCost] {
        let slots = configuration.encoding?.maxCount ?? 0
        let m = configuration.mapping?.columnsPerWeight ?? 1
        return [
            StepCost(rows: inputs + 1, cols: configuration.hidden * m, slots: slots),
            StepCost(rows: configuration.hidden + 1, cols: outputs * m, slots: slots),
        ]
    }

    /// Throws unless the run fits `budget`; `engine` (device weights) simulates the crossbars,
    /// with `grid` calibration states for the analytic engine (and the shadow when `compare`).
    public func check(_ budget: MemoryBudget, engine: EngineKind?, grid: Int = 101, compare: Bool = false) throws {
        let network = "a [\(inputs)-\(configuration.hidden)-\(outputs)] network at minibatch \(configuration.batch)"
        // The minibatch's share of the buffers is the batch's; the rest grows with the layers.
        let batchShare = bufferBytes * Double(configuration.batch) / (Double(configuration.batch) + 1000)
        try budget.check(networkBytes, option: batchShare > networkBytes - batchShare ? "batch" : "hidden", request: network)
        guard configuration.weights.isDevice, let engine else { return }
        let analytic = engine == .analytic || compare
        var bytes = networkBytes + 24 * parameters
        if analytic { bytes += crossbars.map { $0.analyticBytes(grid: grid) }.reduce(0, +) }
        if engine == .spice { bytes += crossbars.map(\.spiceBytes).max()! }
        let tables = analytic ? crossbars.map { 16 * (Double($0.slots) + 1) * Double(grid) }.reduce(0, +) : 0
        try budget.check(
            bytes, option: tables > networkBytes + 24 * parameters ? "levels" : "hidden",
            request: "\(network) in device weights at \(configuration.levels) levels (\(engine.rawValue) engine)")
    }
}
