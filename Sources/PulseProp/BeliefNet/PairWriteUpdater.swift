/// Pulses and writes of one layer's devices (a belief net's RBM).
public struct WriteCount: Codable, Equatable, Sendable {
    /// Programming pulses on synapses' devices (refreshes not included): one per write for
    /// per-batch writes (its width set by the update), one per firing for accumulate.
    public var pulses = 0
    /// Synapse writes: a synapse written in a minibatch, however many pulses it took.
    public var writes = 0
    /// The programming dose in nominal pulses: `Σ |c|/θ` for per-batch writes, the pulses
    /// fired for accumulate (refreshes not included).
    public var dose = 0.0
    /// Pulses of pair refreshes (resets of both devices and the difference programmed back).
    public var refreshPulses = 0
    /// Pair refreshes.
    public var refreshes = 0
    /// Estimated energy of every pulse counted here, joules.
    public var energy = 0.0
    /// Half-selected devices disturbed by programming (crossbar engines only).
    public var disturbed = 0

    public init() {}

    /// Every pulse, refreshes included.
    public var totalPulses: Int { pulses + refreshPulses }

    /// `self + sign·other`, field by field.
    func adding(_ other: WriteCount, sign: Int = 1) -> WriteCount {
        var sum = self
        sum.pulses += sign * other.pulses
        sum.writes += sign * other.writes
        sum.dose += Double(sign) * other.dose
        sum.refreshPulses += sign * other.refreshPulses
        sum.refreshes += sign * other.refreshes
        sum.energy += Double(sign) * other.energy
        sum.disturbed += sign * other.disturbed
        return sum
    }
}

/// What a checkpoint keeps of device-pair weights written by ``PairWriteUpdater``.
public struct PairWriteState: Codable, Equatable, Sendable {
    /// Device states per layer, `rows × 2·cols` (`G⁺` in column `2j`, `G⁻` in `2j + 1`).
    public var states: [Matrix<Double>]
    /// Accumulated coincidence counts per layer, `rows × cols` (accumulate writes).
    public var accumulators: [[Float]]
    /// Write counts per layer since the start of the run.
    public var counts: [WriteCount]
}

/// Weights held by differential device pairs, `w = w_max·(x⁺ − x⁻)` (``WeightMapping``), and
/// written the way Wang et al. (2022) write a memristive belief net: every minibatch's update
/// arrives (through ``MomentumUpdater``, a ``CountWriter``'s source) as coincidence counts
/// `c_ij = −Σ_b x_bi·δ_bj` (the data phase's minus the model
/// phase's for contrastive divergence), and only one device of a pair is written, with
/// potentiation pulses: `G⁺` for `c > 0`, `G⁻` for `c < 0`.
///
/// - ``DeviceWrite/perBatch``: every synapse with `c ≠ 0` is written after every
///   minibatch with one programming pulse whose dose is `|c|/θ` nominal pulses (a wider or
///   narrower pulse: the update as naive hardware applies it, exactly, with nothing rounded
///   away). A fractional dose moves the device by the same fraction of its next nominal
///   pulse's step.
/// - ``DeviceWrite/accumulate``: `a ← a + c`; while `|a| ≥ θ` one pulse fires and
///   `a ← a ∓ θ`, so the accumulator never holds `θ` or more after an update.
///
/// Both move a weight by one pulse's step per `θ` counts on average; they differ in how many
/// pulses (and synapse writes) that takes, because contrastive-divergence counts change sign
/// from batch to batch and the accumulator cancels them before they reach a device.
///
/// A pair whose written device passes ``saturation`` is refreshed (Lim et al. 2019): both
/// devices are reset by depression pulses and the difference is programmed back onto the
/// device of its sign (``PairRefresh``); its pulses are counted apart. The energy estimate
/// of a pulse is `G·u²·(plateau + 2·edge/3)` at the device's mean conductance over the pulse,
/// as the analytic engine estimates a coincident pulse.
///
/// With crossbar engines (the circuit path, for small nets) accumulate-then-fire programs
/// each layer's firings of a minibatch row by row through its engine
/// (``CrossbarEngine/program(_:to:)``), in SPICE or the analytic engine, counting disturbed
/// half-selected devices and taking the energy from the engine; pairs are not refreshed
/// there (a saturated device stays at its bound).
///
/// The learning rate passed to ``write(counts:layer:to:rate:)`` is not used: the pulse step
/// and `θ` set it (the run chooses `w_max` so that one mid-range pulse is `θ` counts' worth).
public final class PairWriteUpdater: CountWriter {
    /// The pair mapping.
    public let mapping: WeightMapping
    /// How synapses are written.
    public let write: DeviceWrite
    /// Coincidence counts per pulse.
    public let threshold: Float
    /// State of the written device above which its pair is refreshed.
    public static let saturation = 0.95
    private let response: PulseResponse
    /// One engine per layer for the circuit path (empty: each device by `response`).
    private let engines: [CrossbarEngine]
    private let pulseEnergy: (Double) -> Double
    private let refreshPolicy = PairRefresh()
    /// Depression pulses that reset a device (planned once with the device response).
    private lazy var resetCount = refreshPolicy.resetPulses(response)
    /// Device states, accumulators, counts and generator (restore from a checkpoint).
    public private(set) var state: PairWriteState

    /// Pairs holding `layers`' weights (or continuing `saved`), written by `write` with
    /// threshold `threshold` and pulses of `response` on devices of `circuit`, or through
    /// `engines` (one per layer; accumulate writes only).
    public init(
        layers: [WeightLayer], saved: PairWriteState? = nil, mapping: WeightMapping, write: DeviceWrite,
        threshold: Double, response: PulseResponse, circuit: CrossbarCircuit, engines: [CrossbarEngine] = []
    ) throws {
        try require(
            engines.isEmpty || (engines.count == layers.count && write == .accumulate), "engine",
            "programs accumulate writes only, with one engine per layer (per-batch writes are coincidence steps)")
        try require(mapping.kind == .pair, "weights", "written belief nets hold their weights in pairs")
        try require(threshold > 0 && threshold.isFinite, "threshold", "must be a finite value > 0, got \(threshold)")
        try require(write != .perExample, "write", "a belief net writes once per minibatch: use per-batch or accumulate")
        self.mapping = mapping
        self.write = write
        self.threshold = Float(threshold)
        self.response = response
        self.engines = engines
        let (shape, model) = (circuit.shape, circuit.device)
        let tau = shape.plateau + 2 * shape.edge / 3
        let (gOff, gOn) = (model.offConductance, model.onConductance)
        pulseEnergy = { x in (gOff + x * (gOn - gOff)) * shape.setAmplitude * shape.setAmplitude * tau }
        if let saved {
            try require(saved.states.count == layers.count, "devices.states", "holds \(saved.states.count) layers; the net has \(layers.count)")
            state = saved
        } else {
            state = PairWriteState(
                states: layers.map { mapping.states(weights: $0.values, rows: $0.rows, cols: $0.cols) },
                accumulators: layers.map { [Float](repeating: 0, count: $0.values.count) },
                counts: layers.map { _ in WriteCount() })
        }
    }

    /// The weights the pairs hold for `layers` (clipped to the pairs' range).
    public func heldWeights(_ layers: [WeightLayer]) -> [WeightLayer] { mapping.weights(of: state.states, shapedAs: layers) }

    /// Turns the counts of one layer into pulses on its pairs and reads the weights back.
    public func write(counts source: UnsafeBufferPointer<Float>, layer: Int, to layers: inout [WeightLayer], rate: Float) throws {
        let cols = layers[layer].cols
        var tally = WriteCount()
        var program = engines.isEmpty ? nil : Matrix<Int>(rows: source.count / cols, cols: 2 * cols) { _, _ in 0 }
        let theta = threshold
        for k in 0..<source.count {
            let c = source[k]
            var pulses = 0
            var positive = c > 0
            switch write {
            case .perBatch:
                guard c != 0 else { continue }
                fire(pulses: 1, dose: Double(abs(c)) / Double(theta), layer: layer, synapse: k, cols: cols, positive: positive, tally: &tally)
                continue
            case .accumulate:
                guard c != 0 else { continue }
                let fired = AccumulateThenFire.fire(&state.accumulators[layer][k], adding: c, threshold: theta)
                (pulses, positive) = (abs(fired), fired > 0)
            case .perExample:
                preconditionFailure("a belief net writes once per minibatch (BeliefNetConfiguration.validate)")
            }
            guard pulses > 0 else { continue }
            if program != nil {
                program![k / cols, 2 * (k % cols) + (positive ? 0 : 1)] = pulses
                continue
            }
            fire(pulses: pulses, dose: Double(pulses), layer: layer, synapse: k, cols: cols, positive: positive, tally: &tally)
        }
        if let program {
            let report = try engines[layer].program(program, to: &state.states[layer])
            tally.pulses += report.pulses
            tally.writes += program.elements.filter { $0 > 0 }.count
            tally.dose += Double(report.pulses)
            tally.energy += report.energy
            tally.disturbed += report.disturbed
        }
        state.counts[layer] = state.counts[layer].adding(tally)
        layers[layer].values = mapping.weights(of: state.states[layer])
    }

    /// Potentiation `pulses` of `dose` nominal pulses in all on `G⁺` (positive) or `G⁻` of
    /// synapse `k` (one write), and a refresh of its pair when the device passes ``saturation``.
    private func fire(pulses: Int, dose: Double, layer: Int, synapse k: Int, cols: Int, positive: Bool, tally: inout WriteCount) {
        let (i, j) = (k / cols, k % cols)
        let written = 2 * j + (positive ? 0 : 1)
        let before = state.states[layer][i, written]
        let whole = Int(dose)
        var after = response.state(after: whole, of: .potentiation, from: before)
        if Double(whole) < dose {
            after += (dose - Double(whole)) * (response.state(after: 1, of: .potentiation, from: after) - after)
        }
        state.states[layer][i, written] = after
        tally.pulses += pulses
        tally.writes += 1
        tally.dose += dose
        tally.energy += dose * pulseEnergy((before + after) / 2)
        guard after > Self.saturation else { return }
        // Refresh: reset both devices, then program the difference onto the device of its sign.
        let (plus, minus) = (state.states[layer][i, 2 * j], state.states[layer][i, 2 * j + 1])
        let reset = resetCount
        var energy = 0.0
        var floor = [plus, minus].map { x -> Double in
            let low = response.state(after: reset, of: .depression, from: x)
            energy += Double(reset) * pulseEnergy((x + low) / 2)
            return low
        }
        let high = plus >= minus ? 0 : 1
        let program = refreshPolicy.pulses(response, from: floor[high], to: min(floor[1 - high] + abs(plus - minus), 1))
        let programmed = response.state(after: program, of: .potentiation, from: floor[high])
        energy += Double(program) * pulseEnergy((floor[high] + programmed) / 2)
        floor[high] = programmed
        state.states[layer][i, 2 * j] = floor[0]
        state.states[layer][i, 2 * j + 1] = floor[1]
        tally.refreshPulses += 2 * reset + program
        tally.refreshes += 1
        tally.energy += energy
    }
}
