/// Weights held by memristor crossbars and updated by pulses, one example at a time, as
/// hardware would: example `b` sends `gain·x_b` on the rows and `gain·δ_b` on the columns of
/// each layer's crossbar, encoded as pulse counts, and the crossbar's engine moves every
/// device by its coincidences, `≈ round(gain·min(x, |δ|)/q)` pulses. The network's float weights are read back from the device states
/// (``WeightMapping``) after every example, so the next forward pass sees the devices.
///
/// The learning-rate schedule acts on `gain` (the `rate` passed in): scaling both signals
/// scales the coincidence count, as a learning rate scales `min(x, |δ|)`. The smallest
/// possible change is one pulse, whose size is the device's per-pulse response: a device
/// with coarse steps cannot emulate a small learning rate. With `method = times` there is no pulse equivalent, so device training always
/// applies the coincidence (absmin) rule the circuit computes.
public final class DeviceWeightUpdater: WeightUpdater {
    /// Input-to-hidden crossbar engine.
    public let hiddenEngine: CrossbarEngine
    /// Hidden-to-output crossbar engine.
    public let outputEngine: CrossbarEngine
    /// Pulse encoding of `x` and `δ`.
    public let encoding: PulseEncoding
    /// Weight ↔ state mapping.
    public let mapping: WeightMapping
    /// Device states of the input-to-hidden crossbar, `(inputs+1) × hidden`.
    public private(set) var hiddenStates: Matrix<Double>
    /// Device states of the hidden-to-output crossbar, `(hidden+1) × outputs`.
    public private(set) var outputStates: Matrix<Double>
    /// Learning steps applied so far (two per example: one per crossbar).
    public private(set) var stepsApplied = 0
    /// Observer of every step, e.g. to count pulses or compare engines.
    public var observer: ((DeviceStepEvent) throws -> Void)?

    /// Programs the devices to the network's current weights.
    public init(network: Network, hiddenEngine: CrossbarEngine, outputEngine: CrossbarEngine, encoding: PulseEncoding, mapping: WeightMapping) throws {
        try encoding.validate()
        try require(mapping.maxWeight > 0, "weight-range", "must be > 0")
        self.hiddenEngine = hiddenEngine
        self.outputEngine = outputEngine
        self.encoding = encoding
        self.mapping = mapping
        hiddenStates = Matrix(rows: network.inputs + 1, cols: network.hidden, elements: network.w1.map(mapping.state(weight:)))
        outputStates = Matrix(rows: network.hidden + 1, cols: network.outputs, elements: network.w2.map(mapping.state(weight:)))
    }

    public func update(
        _ network: inout Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float], count: Int,
        rate: Float
    ) throws {
        let (n, h, o) = (network.inputs, network.hidden, network.outputs)
        for b in 0..<count {
            let input = (0...n).map { Double(rate) * Double(buffers.input[b * (n + 1) + $0]) }
            let hidden = (0...h).map { Double(rate) * Double(buffers.hiddenActivity[b * (h + 1) + $0]) }
            let d1 = (0..<h).map { Double(rate) * Double(hiddenDelta[b * h + $0]) }
            let d2 = (0..<o).map { Double(rate) * Double(outputDelta[b * o + $0]) }
            // Hidden errors were computed before any update; apply the output layer first, as
            // the trainer does for float weights.
            try pulse(layer: 1, x: hidden, delta: d2, engine: outputEngine, states: &outputStates)
            try pulse(layer: 0, x: input, delta: d1, engine: hiddenEngine, states: &hiddenStates)
        }
        network.w1 = hiddenStates.elements.map(mapping.weight(state:))
        network.w2 = outputStates.elements.map(mapping.weight(state:))
    }

    private func pulse(layer: Int, x: [Double], delta: [Double], engine: CrossbarEngine, states: inout Matrix<Double>) throws {
        let step = try LearningStep(x: x, delta: delta, encoding: encoding)
        guard step.rowCounts.contains(where: { $0 > 0 }), step.columnCounts.contains(where: { $0 != 0 }) else { return }
        // Keep the old states only for an observer: holding them makes the in-place apply copy
        // the whole matrix (copy on write), on every example of an MNIST-sized layer.
        let before = observer == nil ? nil : states
        let energy = try engine.apply(step, to: &states)
        if let observer, let before {
            try observer(DeviceStepEvent(layer: layer, step: step, before: before, after: states, energy: energy))
        }
        stepsApplied += 1
    }
}

/// One learning step applied to one layer's crossbar during device training.
public struct DeviceStepEvent {
    /// 0 for the input-to-hidden crossbar, 1 for hidden-to-output.
    public let layer: Int
    /// The pulse counts.
    public let step: LearningStep
    /// Device states before the step.
    public let before: Matrix<Double>
    /// Device states after the step.
    public let after: Matrix<Double>
    /// The step's energy, when the engine reports it.
    public let energy: StepEnergy?
}
