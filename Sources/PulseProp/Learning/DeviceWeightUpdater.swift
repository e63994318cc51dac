import Dispatch

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
///
/// Once an example's errors are computed, its two crossbar steps are independent (different
/// engines, different devices): with ``runsLayersConcurrently`` they run on two threads, and
/// the observer still sees them in the sequential order, so results are bit-identical.
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
    /// Both crossbars' device states and the steps applied: what a checkpoint keeps.
    public var states: DeviceStates {
        DeviceStates(hidden: hiddenStates, output: outputStates, stepsApplied: stepsApplied)
    }
    /// Observer of every step, e.g. to count pulses or compare engines.
    public var observer: ((DeviceStepEvent) throws -> Void)?
    /// Whether the two crossbars' steps of one example run concurrently (worth it for SPICE
    /// engines, whose steps take milliseconds; the two engines must not share a simulator).
    public var runsLayersConcurrently = false

    /// Continues from `saved` device states (of a checkpoint, checked against `network` by
    /// ``DeviceStates/validate(network:)``), or programs the devices to the network's current
    /// weights when there are none.
    public init(
        network: Network, saved: DeviceStates? = nil, hiddenEngine: CrossbarEngine, outputEngine: CrossbarEngine,
        encoding: PulseEncoding, mapping: WeightMapping
    ) throws {
        try encoding.validate()
        try require(mapping.maxWeight > 0, "weight-range", "must be > 0")
        self.hiddenEngine = hiddenEngine
        self.outputEngine = outputEngine
        self.encoding = encoding
        self.mapping = mapping
        if let saved {
            (hiddenStates, outputStates, stepsApplied) = (saved.hidden, saved.output, saved.stepsApplied)
        } else {
            hiddenStates = Matrix(rows: network.inputs + 1, cols: network.hidden, elements: network.w1.map(mapping.state(weight:)))
            outputStates = Matrix(rows: network.hidden + 1, cols: network.outputs, elements: network.w2.map(mapping.state(weight:)))
        }
    }

    public func update(
        _ network: inout Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float], count: Int,
        rate: Float
    ) throws {
        // The schedule's rate is the pulse gain on both signals here.
        let gain = Double(rate)
        let (n, h, o) = (network.inputs, network.hidden, network.outputs)
        for b in 0..<count {
            let input = (0...n).map { gain * Double(buffers.input[b * (n + 1) + $0]) }
            let hidden = (0...h).map { gain * Double(buffers.hiddenActivity[b * (h + 1) + $0]) }
            let d1 = (0..<h).map { gain * Double(hiddenDelta[b * h + $0]) }
            let d2 = (0..<o).map { gain * Double(outputDelta[b * o + $0]) }
            // Hidden errors were computed before any update; the output layer comes first, as
            // the trainer does for float weights (and as the observer sees them).
            let output = try pulses(x: hidden, delta: d2)
            let inputStep = try pulses(x: input, delta: d1)
            // Keep the old states only for an observer: holding them makes the in-place apply
            // copy the whole matrix (copy on write), on every example of an MNIST-sized layer.
            let outputBefore = observer == nil || output == nil ? nil : outputStates
            let hiddenBefore = observer == nil || inputStep == nil ? nil : hiddenStates
            // Where each step would fail: its number in the run (as the monitor counts) and layer.
            let places = [
                "learning step \(stepsApplied + 1), \(CircuitStepError.crossbar(1))",
                "learning step \(stepsApplied + (output == nil ? 1 : 2)), \(CircuitStepError.crossbar(0))",
            ]
            var energy: [StepEnergy?] = [nil, nil]
            if runsLayersConcurrently, let output, let inputStep {
                energy = try applyConcurrently(output: output, input: inputStep, places: places)
            } else {
                if let output { energy[0] = try CircuitStepError.at(places[0]) { try outputEngine.apply(output, to: &outputStates) } }
                if let inputStep { energy[1] = try CircuitStepError.at(places[1]) { try hiddenEngine.apply(inputStep, to: &hiddenStates) } }
            }
            try record(layer: 1, output, before: outputBefore, after: outputStates, energy: energy[0])
            try record(layer: 0, inputStep, before: hiddenBefore, after: hiddenStates, energy: energy[1])
        }
        network.w1 = hiddenStates.elements.map(mapping.weight(state:))
        network.w2 = outputStates.elements.map(mapping.weight(state:))
    }

    /// The step for `x` and `delta`; nil when no row or no column pulses (nothing can move).
    private func pulses(x: [Double], delta: [Double]) throws -> LearningStep? {
        let step = try LearningStep(x: x, delta: delta, encoding: encoding)
        guard step.rowCounts.contains(where: { $0 > 0 }), step.columnCounts.contains(where: { $0 != 0 }) else { return nil }
        return step
    }

    /// Applies both crossbars' steps at once, each in place on its own states; a failure names
    /// its place.
    private func applyConcurrently(output: LearningStep, input: LearningStep, places: [String]) throws -> [StepEnergy?] {
        var results = [Result<StepEnergy?, Error>?](repeating: nil, count: 2)
        let engines = [outputEngine, hiddenEngine].map(UncheckedSendable.init)
        let steps = [output, input]
        withUnsafeMutablePointer(to: &outputStates) { outputStates in
            withUnsafeMutablePointer(to: &hiddenStates) { hiddenStates in
                let states = [outputStates, hiddenStates].map(UncheckedSendable.init)
                results.withUnsafeMutableBufferPointer { slots in
                    let slots = UncheckedSendable(slots)
                    DispatchQueue.concurrentPerform(iterations: 2) { k in
                        slots.value[k] = Result { try engines[k].value.apply(steps[k], to: &states[k].value.pointee) }
                    }
                }
            }
        }
        return try zip(results, places).map { result, place in try CircuitStepError.at(place) { try result!.get() } }
    }

    private func record(layer: Int, _ step: LearningStep?, before: Matrix<Double>?, after: Matrix<Double>, energy: StepEnergy?) throws {
        guard let step else { return }
        if let observer, let before {
            try observer(DeviceStepEvent(layer: layer, step: step, before: before, after: after, energy: energy))
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

/// The device states of both crossbars in full precision, and the learning steps applied:
/// what a checkpoint keeps of device weights (float weights would lose the states' low bits).
public struct DeviceStates: Codable, Equatable, Sendable {
    /// Input-to-hidden crossbar, `(inputs+1) × hidden`.
    public var hidden: Matrix<Double>
    /// Hidden-to-output crossbar, `(hidden+1) × outputs`.
    public var output: Matrix<Double>
    /// Learning steps applied so far.
    public var stepsApplied: Int

    /// Checks the shapes against `network` and every state against `[0, 1]`, naming the field.
    public func validate(network: Network) throws {
        for (field, matrix, rows, cols) in [
            ("devices.hidden", hidden, network.inputs + 1, network.hidden),
            ("devices.output", output, network.hidden + 1, network.outputs),
        ] {
            try require(
                matrix.rows == rows && matrix.cols == cols, field,
                "is \(matrix.rows)×\(matrix.cols); the network needs \(rows)×\(cols)")
            try require(matrix.elements.allSatisfy { (0...1).contains($0) }, field, "holds a state outside [0, 1]")
        }
        try require(stepsApplied >= 0, "devices.steps_applied", "must be ≥ 0, got \(stepsApplied)")
    }
}

/// A failure of the circuit during device training, with where it happened (the step and
/// layer of a learning step, or the layer and example of a SPICE read).
public struct CircuitStepError: Error, CustomStringConvertible {
    /// Where, e.g. `learning step 12, layer 0 (input-to-hidden crossbar)`.
    public let place: String
    /// The engine's error.
    public let underlying: Error

    public var description: String { "\(place): \(underlying)" }

    /// `layer 0 (input-to-hidden crossbar)` or `layer 1 (hidden-to-output crossbar)`.
    static func crossbar(_ layer: Int) -> String {
        "layer \(layer) (\(layer == 0 ? "input-to-hidden" : "hidden-to-output") crossbar)"
    }

    /// `body`'s result; its error, if any, located at `place`.
    static func at<T>(_ place: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CircuitStepError(place: place, underlying: error)
        }
    }
}
