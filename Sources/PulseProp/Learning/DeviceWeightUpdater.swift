import Dispatch

/// Weights held by memristor crossbars and updated by pulses, one example at a time, as
/// hardware would: example `b` sends `gain·x_b` on the rows and `gain·δ_b` on the columns of
/// each layer's crossbar, encoded as pulse counts, and the crossbar's engine moves every
/// device by its coincidences, `≈ round(gain·min(x, |δ|)/q)` pulses. The network's float weights are read back from the device states
/// (``WeightMapping``) after every minibatch, so the next forward pass sees the devices.
///
/// The learning-rate schedule acts on `gain` (the `rate` passed in): scaling both signals
/// scales the coincidence count, as a learning rate scales `min(x, |δ|)`. The smallest
/// possible change is one pulse, whose size is the device's per-pulse response: with
/// rounding to nearest a device with coarse steps cannot emulate a small learning rate;
/// stochastic rounding (``PulseRounding/stochastic``) makes the expected update the
/// unrounded one, and ``matchedGain(eta:encoding:mapping:scheme:response:)`` chooses the gain so that
/// one pulse is one device step. With `method = times` there is no pulse equivalent, so device training always
/// applies the coincidence (absmin) rule the circuit computes.
///
/// With pairs (``WeightMapping/Kind/pair``) each weight column is two crossbar columns; the
/// ``UpdateScheme`` decides which of them pulse (``columnCounts(_:)``), and a
/// ``PairRefresh`` policy resets and reprograms the pairs (``refresh(layer:)``).
///
/// With ``DeviceWrite/perBatch`` (`write`) a minibatch is written once instead: each
/// device's summed update in the rule's pulse quanta (``netQuanta(_:count:gain:encoding:)``)
/// is rounded to one net pulse count (``netCounts(_:rounding:dither:)``), so potentiation
/// and depression of one device cancel digitally before any pulse, and the counts go to the
/// crossbar row by row (``writeNetCounts(_:layer:)``) through the same engine.
///
/// Every layer is one crossbar with its own engine. Once an example's signals are computed,
/// its crossbar steps are independent (different engines, different devices): with
/// ``runsLayersConcurrently`` they run on one thread each, and the observer still sees them in
/// the sequential order, so results are bit-identical.
public final class DeviceWeightUpdater: WeightUpdater {
    /// One engine per layer's crossbar, in the network's layer order.
    public let engines: [CrossbarEngine]
    /// Pulse encoding of `x` and `δ`.
    public let encoding: PulseEncoding
    /// Weight ↔ state mapping.
    public let mapping: WeightMapping
    /// Which devices pulse for an update.
    public let scheme: UpdateScheme
    /// When pairs are refreshed.
    public let refreshPolicy: PairRefresh
    /// Every example's pulses, each minibatch's net counts, or accumulate-then-fire.
    public let write: DeviceWrite
    /// Accumulate-then-fire: pulse quanta per pulse (`θ`).
    public let threshold: Float
    /// Accumulate-then-fire: every device's accumulated quanta per layer, `rows × cols` weight
    /// columns (empty for the other writes).
    var accumulators: [[Float]]
    /// The device model a refresh plans its reprogramming pulses with.
    private let response: PulseResponse?
    /// Device states of every layer's crossbar, `rows × cols·m` (`m` columns per weight).
    /// Any change forgets what ``kept`` knows, except a one-pass write's, which keeps it up to
    /// date (``writeNetCounts(_:layer:)``).
    public internal(set) var states: [Matrix<Double>] { didSet { kept = [] } }
    /// What stays known of every crossbar between minibatches while its states change only by
    /// one-pass writes (empty when nothing is): functions of the states and weights, so not
    /// checkpointed.
    var kept: [KeptCrossbar] = []
    /// Every crossbar's stuck devices (row-major positions) and their pairs (position / 2),
    /// drawn once from its engine's circuit when a refresh first needs them.
    private var stuck: [(positions: Set<Int>, pairs: Set<Int>)]?
    /// Learning steps applied so far (one per crossbar per example; refresh steps too).
    public internal(set) var stepsApplied = 0
    /// Refreshes so far (one per layer refreshed).
    public private(set) var refreshes = 0
    /// Examples since the last periodic refresh.
    public internal(set) var examplesSinceRefresh = 0
    /// Source of the stochastic-rounding dither (one draw per learning step).
    var dither: SeededGenerator
    /// Every crossbar's device states, counters and generators: what a checkpoint keeps.
    public var saved: DeviceStates {
        DeviceStates(
            layers: states, stepsApplied: stepsApplied, refreshes: refreshes,
            examplesSinceRefresh: examplesSinceRefresh, dither: dither, cycleNoise: engines.map(\.cycleNoise),
            accumulators: write == .accumulate ? accumulators : nil)
    }
    /// Observer of every step, e.g. to count pulses or compare engines.
    public var observer: ((DeviceStepEvent) throws -> Void)?
    /// Observer of every minibatch write an analytic engine makes in one pass
    /// (``AnalyticEngine/writeRows(_:only:to:)``) instead of row steps. Without it, an
    /// updater with an ``observer`` writes row steps, so the observer sees them all.
    public var writeObserver: ((DeviceWriteEvent) throws -> Void)?
    /// Threads that share a minibatch write's summed update (``netQuanta(_:count:gain:encoding:threads:)``;
    /// results do not depend on it). The training loop sets it with its forward products'.
    public var threads = 1
    /// Whether the crossbars' steps of one example run concurrently (worth it for SPICE
    /// engines, whose steps take milliseconds; the engines must not share a simulator).
    public var runsLayersConcurrently = false

    /// Continues from `saved` device states (of a checkpoint, checked against `network` by
    /// ``DeviceStates/validate(layers:mapping:)``), or programs the devices to the current
    /// weights of `layers` when there are none; `engines` holds one engine per layer.
    /// `response` is required when `refresh` is enabled; `seed` seeds the stochastic-rounding
    /// dither of a fresh run.
    public init(
        layers: [WeightLayer], saved: DeviceStates? = nil, engines: [CrossbarEngine],
        encoding: PulseEncoding, mapping: WeightMapping, scheme: UpdateScheme = .bidirectional,
        refresh: PairRefresh = PairRefresh(), response: PulseResponse? = nil, seed: UInt64 = 0,
        write: DeviceWrite = .perExample, threshold: Double = 1, pairStart: PairStart = .low
    ) throws {
        try require(threshold > 0 && threshold.isFinite, "threshold", "must be a finite value > 0, got \(threshold)")
        try encoding.validate()
        try require(mapping.maxWeight > 0, "weight-range", "must be > 0")
        try require(scheme == .bidirectional || mapping.kind == .pair, "update", "unidirectional updates need --weights pair")
        try require(!refresh.isEnabled || mapping.kind == .pair, "refresh-every", "a refresh needs --weights pair")
        try require(!refresh.isEnabled || response != nil, "refresh-every", "a refresh needs a device response to plan with")
        precondition(engines.count == layers.count, "one engine per layer")
        self.engines = engines
        self.encoding = encoding
        self.mapping = mapping
        self.scheme = scheme
        refreshPolicy = refresh
        self.write = write
        self.threshold = Float(threshold)
        self.response = response
        dither = SeededGenerator(seed: seed ^ 0x5EED_D17E_5EED_D17E)
        if let saved {
            (states, stepsApplied) = (saved.layers, saved.stepsApplied)
            (refreshes, examplesSinceRefresh) = (saved.refreshes, saved.examplesSinceRefresh)
            if let generator = saved.dither { dither = generator }
            for (engine, noise) in zip(engines, saved.cycleNoise ?? []) where noise != nil {
                engine.cycleNoise = noise
            }
        } else {
            states = layers.map { mapping.states(weights: $0.values, rows: $0.rows, cols: $0.cols, start: pairStart) }
        }
        accumulators = write == .accumulate
            ? saved?.accumulators ?? layers.map { [Float](repeating: 0, count: $0.rows * $0.cols) }
            : []
        try require(
            accumulators.map(\.count) == (write == .accumulate ? layers.map { $0.rows * $0.cols } : []), "devices.accumulators",
            "must hold one accumulator per weight of every layer")
    }

    /// The weights the crossbars hold for `layers` (clipped to the devices' range).
    public func heldWeights(_ layers: [WeightLayer]) -> [WeightLayer] { mapping.weights(of: states, shapedAs: layers) }

    /// The pulse gain that makes one pulse one device step: the expected weight change of an
    /// example is `η·min(x, |δ|)` (in `δ`'s quantum, as ``IdealWeightUpdater`` prices a pulse)
    /// when `gain·min(x, |δ|)/q_δ` coincidences each move a weight by `Δw₁ = d·weightPerState·s`,
    /// `s` the device's mid-range step (``PulseResponse/midRangeStep``) and `d` the devices a
    /// coincidence moves (2 for bidirectional pairs, whose `G⁺` and `G⁻` both move; else 1):
    ///
    ///     gain = η·q_δ / Δw₁.
    ///
    /// Accumulate-then-fire sends one pulse per `θ` quanta (`quantaPerPulse`), so its gain is
    /// `θ` times as large for the same expected update.
    public static func matchedGain(
        eta: Double, encoding: PulseEncoding, mapping: WeightMapping, scheme: UpdateScheme, response: PulseResponse,
        quantaPerPulse: Double = 1
    ) -> Double {
        let devicesMoved = mapping.kind == .pair && scheme == .bidirectional ? 2.0 : 1.0
        return eta * quantaPerPulse * encoding.deltaQuantum / (devicesMoved * mapping.weightPerState * response.midRangeStep)
    }

    public func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) throws {
        // The schedule's rate is the pulse gain on both signals here.
        let gain = Double(rate)
        if write != .perExample {
            try writeMinibatch(signals, count: count, gain: gain)
            readBack(into: &layers)
            return
        }
        for b in 0..<count {
            // Every layer's signals were computed before any update; the steps go in the
            // signals' order (backpropagation: the output layer first), as float weights are
            // updated and as the observer sees them.
            var steps: [(layer: Int, step: LearningStep)] = []
            for s in signals {
                if let step = try pulses(s, example: b, gain: gain) { steps.append((s.layer, step)) }
            }
            if writesStepsDirectly {
                try writeDirectly(steps)
            } else {
                try applyObserved(steps)
            }
            examplesSinceRefresh += 1
            // Only the pairs an example wrote can have become saturated (any other saturated
            // pair was refreshed when it was written): a scan of the written rows and columns
            // instead of the whole crossbar, per example.
            try refreshIfDue(
                saturated: Set(steps.filter { refreshPolicy.isSaturated(states[$0.layer], by: $0.step, stuck: stuckPairs(layer: $0.layer)) }.map(\.layer)))
        }
        readBack(into: &layers)
    }

    /// Whether an example's steps go to analytic engines that report them as writes
    /// (``AnalyticEngine/write(_:to:)``, seen by ``writeObserver``): no copy of a crossbar's
    /// states per step, and the monitor visits only the written devices.
    private var writesStepsDirectly: Bool {
        (writeObserver != nil || observer == nil) && engines.allSatisfy { $0 is AnalyticEngine }
    }

    /// Applies an example's steps through analytic engines, each reported as a write.
    private func writeDirectly(_ steps: [(layer: Int, step: LearningStep)]) throws {
        for (layer, step) in steps {
            let engine = engines[layer] as! AnalyticEngine
            let place = "learning step \(stepsApplied + 1), \(CircuitStepError.crossbar(layer))"
            var known = keptForWrite(pinning: layer, engine: engine)
            let (counts, report) = try CircuitStepError.at(place) { try engine.write(step, to: &states[layer], sums: &known[layer].sums) }
            // The write changed the states (which forgot what was kept) and brought its sums up
            // to date; the devices it can have moved are all in its counts.
            known[layer].written.append(contentsOf: counts.positions)
            kept = known
            stepsApplied += 1
            try writeObserver?(DeviceWriteEvent(layer: layer, counts: counts, report: report))
        }
    }

    /// Applies an example's steps (concurrently when asked), each seen by the ``observer``
    /// with the states before and after it.
    private func applyObserved(_ steps: [(layer: Int, step: LearningStep)]) throws {
        // Keep the old states only for an observer: holding them makes the in-place apply
        // copy the whole matrix (copy on write), on every example of an MNIST-sized layer.
        let before = observer == nil ? [] : steps.map { states[$0.layer] }
        // Where each step would fail: its number in the run (as the monitor counts) and layer.
        let places = steps.indices.map {
            "learning step \(stepsApplied + $0 + 1), \(CircuitStepError.crossbar(steps[$0].layer))"
        }
        let energy: [StepEnergy?]
        if runsLayersConcurrently, steps.count > 1 {
            energy = try applyConcurrently(steps, places: places)
        } else {
            energy = try steps.indices.map { k in
                try CircuitStepError.at(places[k]) { try engines[steps[k].layer].apply(steps[k].step, to: &states[steps[k].layer]) }
            }
        }
        for (k, (layer, step)) in steps.enumerated() {
            try record(layer: layer, step, before: before.isEmpty ? nil : before[k], after: states[layer], energy: energy[k])
        }
    }

    /// The step for `x` and `delta`; nil when no row or no column pulses (nothing can move).
    /// With stochastic rounding every step draws its own dither (also a step that sends nothing).
    private func pulses(_ s: LayerSignals, example b: Int, gain: Double) throws -> LearningStep? {
        let u = encoding.rounding == .stochastic ? Double.random(in: 0..<1, using: &dither) : 0
        // The columns first: a step without a pulsing column needs no row counts. A zero
        // signal sends no pulse (no dither below 1 rounds it up).
        let (weightColumns, columnPulses) = s.delta.withUnsafeBufferPointer {
            encoding.deltaCounts(UnsafeBufferPointer(rebasing: $0[b * s.cols..<(b + 1) * s.cols]), gain: gain, dither: u)
        }
        guard columnPulses else { return nil }
        let (rows, rowPulses) = s.x.withUnsafeBufferPointer {
            encoding.xCounts(UnsafeBufferPointer(rebasing: $0[b * s.xStride..<(b + 1) * s.xStride]), gain: gain, dither: u)
        }
        guard rowPulses else { return nil }
        let columns = columnCounts(weightColumns)
        return try LearningStep(
            rowCounts: rows, columnCounts: columns, slotsPerPhase: encoding.maxCount,
            only: scheme == .unidirectional ? .potentiation : nil)
    }

    /// The crossbar's signed column counts for the weight columns' counts `n_δ` (negative:
    /// raise the weight). Reference: the counts themselves. Pairs, bidirectional: `G⁺` gets
    /// `n_δ`, `G⁻` the opposite `−n_δ`. Pairs, unidirectional: only potentiation, on `G⁺`
    /// (`n_δ < 0`, count `n_δ`) or on `G⁻` (`n_δ > 0`, count `−n_δ`).
    public func columnCounts(_ counts: [Int]) -> [Int] {
        guard mapping.kind == .pair else { return counts }
        var crossbar = [Int](repeating: 0, count: 2 * counts.count)
        for (j, n) in counts.enumerated() where n != 0 { (crossbar[2 * j], crossbar[2 * j + 1]) = pairCounts(n) }
        return crossbar
    }

    /// A pair's `(G⁺, G⁻)` counts for the weight count `n`: both devices, opposite ways, for
    /// bidirectional updates; for unidirectional ones potentiation of the device of the sign.
    func pairCounts(_ n: Int) -> (plus: Int, minus: Int) {
        scheme == .bidirectional ? (n, -n) : (min(n, 0), -max(n, 0))
    }

    /// Refreshes the layers the policy asks for after an example or a minibatch: every layer
    /// when the period is over, else those with a saturated pair (`saturated`, when the caller
    /// knows them; else found by scanning each layer).
    func refreshIfDue(saturated: Set<Int>? = nil) throws {
        let periodic = refreshPolicy.every > 0 && examplesSinceRefresh >= refreshPolicy.every
        for layer in states.indices.reversed()
        where periodic || (saturated.map { $0.contains(layer) } ?? refreshPolicy.isSaturated(states[layer], stuck: stuckPairs(layer: layer))) {
            try refresh(layer: layer)
        }
        if periodic { examplesSinceRefresh = 0 }
    }

    /// Layer `layer`'s stuck devices, row-major positions in its crossbar.
    func stuckPositions(layer: Int) -> Set<Int> { stuckDevices()[layer].positions }

    /// The pairs of layer `layer` with a stuck device (row-major pair indices: position / 2),
    /// which never trigger a refresh (``PairRefresh``); none are looked up without a
    /// saturation level.
    func stuckPairs(layer: Int) -> Set<Int> { refreshPolicy.saturation > 0 ? stuckDevices()[layer].pairs : [] }

    private func stuckDevices() -> [(positions: Set<Int>, pairs: Set<Int>)] {
        if let stuck { return stuck }
        let found = engines.enumerated().map { layer, engine in
            let (rows, cols) = (states[layer].rows, states[layer].cols)
            let population = (engine as? AnalyticEngine)?.population(rows: rows, cols: cols) ?? engine.circuit.population(rows: rows, cols: cols)
            let positions = Set(population.stuck.map(\.position))
            return (positions, Set(positions.map { $0 / 2 }))
        }
        stuck = found
        return found
    }

    /// Refreshes one layer's pairs (Lim et al. 2019): reads every pair's difference
    /// `d = x⁺ − x⁻`, resets both crossbars' devices with ``PairRefresh/resetPulses``
    /// depression pulses each (one step, every row and column), then reprograms each
    /// difference with potentiation pulses on the device of its sign, one crossbar column per
    /// step (rows carry each device's count), planned with the device response so that
    /// `x_hi ≈ x_lo + |d|`. When the device of the sign is stuck (it cannot be programmed), the
    /// other one is programmed to `x_hi − |d|` instead, so a stuck pair keeps its weight where
    /// the potentiation pulses can reach it. Every step goes through the engine and the
    /// observer like a learning step, so its pulses and energy are counted.
    public func refresh(layer: Int) throws {
        guard let response else { throw ParameterError("refresh-every", "a refresh needs a device response to plan with") }
        let engine = engines[layer]
        var states = self.states[layer]
        defer { self.states[layer] = states }
        let (rows, cols) = (states.rows, states.cols)
        let difference = (0..<rows * cols / 2).map { states.elements[2 * $0] - states.elements[2 * $0 + 1] }
        let reset = refreshPolicy.resetPulses(response)
        try apply(
            LearningStep(
                rowCounts: Array(repeating: reset, count: rows), columnCounts: Array(repeating: reset, count: cols),
                slotsPerPhase: reset, only: .depression),
            layer: layer, engine: engine, states: &states, stage: .reset)
        var program = Matrix<Int>(rows: rows, cols: cols) { _, _ in 0 }
        let stuck = stuckPositions(layer: layer)
        for (k, d) in difference.enumerated() where d != 0 {
            let (i, j) = (k / (cols / 2), 2 * (k % (cols / 2)))
            let (high, low) = d > 0 ? (j, j + 1) : (j + 1, j)
            if stuck.contains(i * cols + high) {
                program[i, low] = refreshPolicy.pulses(
                    response, from: states[i, low], to: max(states[i, high] - abs(d), 0))
            } else {
                program[i, high] = refreshPolicy.pulses(
                    response, from: states[i, high], to: min(states[i, low] + abs(d), 1))
            }
        }
        for c in 0..<cols {
            let counts = (0..<rows).map { program[$0, c] }
            guard let longest = counts.max(), longest > 0 else { continue }
            var columns = Array(repeating: 0, count: cols)
            columns[c] = -longest
            try apply(
                LearningStep(rowCounts: counts, columnCounts: columns, slotsPerPhase: longest, only: .potentiation),
                layer: layer, engine: engine, states: &states, stage: .program)
        }
        refreshes += 1
    }

    /// Applies one refresh step to `states` and records it.
    private func apply(
        _ step: LearningStep, layer: Int, engine: CrossbarEngine, states: inout Matrix<Double>, stage: RefreshStage
    ) throws {
        let before = observer == nil ? nil : states
        let place = "refresh step \(stepsApplied + 1), \(CircuitStepError.crossbar(layer))"
        let energy = try CircuitStepError.at(place) { try engine.apply(step, to: &states) }
        try record(layer: layer, step, before: before, after: states, energy: energy, refresh: stage)
    }

    /// Applies every crossbar's step at once, each in place on its own layer's states (the
    /// steps are of distinct layers); a failure names its place.
    private func applyConcurrently(_ steps: [(layer: Int, step: LearningStep)], places: [String]) throws -> [StepEnergy?] {
        var results = [Result<StepEnergy?, Error>?](repeating: nil, count: steps.count)
        let engines = steps.map { UncheckedSendable(self.engines[$0.layer]) }
        let work = steps.map { UncheckedSendable($0) }
        states.withUnsafeMutableBufferPointer { states in
            let states = UncheckedSendable(states)
            results.withUnsafeMutableBufferPointer { slots in
                let slots = UncheckedSendable(slots)
                DispatchQueue.concurrentPerform(iterations: work.count) { k in
                    let (layer, step) = work[k].value
                    slots.value[k] = Result { try engines[k].value.apply(step, to: &states.value[layer]) }
                }
            }
        }
        return try zip(results, places).map { result, place in try CircuitStepError.at(place) { try result!.get() } }
    }

    func record(
        layer: Int, _ step: LearningStep?, before: Matrix<Double>?, after: Matrix<Double>, energy: StepEnergy?,
        refresh: RefreshStage? = nil
    ) throws {
        guard let step else { return }
        if let observer, let before {
            try observer(DeviceStepEvent(layer: layer, step: step, before: before, after: after, energy: energy, refresh: refresh))
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
    /// The part of a pair refresh this step is, or nil for a learning step.
    public var refresh: RefreshStage? = nil
}

/// The two kinds of step of a pair refresh.
public enum RefreshStage: Sendable {
    /// Depression pulses on every device.
    case reset
    /// Potentiation pulses that write the differences back.
    case program
}

/// The device states of every crossbar in full precision, the steps and refreshes applied
/// and the generators of stochastic rounding and cycle-to-cycle noise: what a checkpoint
/// keeps of device weights (float weights would lose the states' low bits). Fields added
/// after the first checkpoints (refresh counters, generators) read as their starting values
/// when missing; the crossbars of checkpoints written before they were an array (`hidden`,
/// `output`) read as layers 0 and 1.
public struct DeviceStates: Codable, Equatable, Sendable {
    /// Every layer's crossbar, `rows × cols·m` (`m` columns per weight), in layer order.
    public var layers: [Matrix<Double>]
    /// Learning steps applied so far.
    public var stepsApplied: Int
    /// Layer refreshes so far.
    public var refreshes = 0
    /// Examples since the last periodic refresh.
    public var examplesSinceRefresh = 0
    /// The stochastic-rounding dither generator.
    public var dither: SeededGenerator?
    /// The cycle-to-cycle noise of every crossbar's engine.
    public var cycleNoise: [CycleToCycleNoise?]?
    /// Accumulate-then-fire writes: every weight's accumulated pulse quanta per layer
    /// (`rows·cols`, row-major); nil for the other writes.
    public var accumulators: [[Float]]?

    public init(
        layers: [Matrix<Double>], stepsApplied: Int, refreshes: Int = 0, examplesSinceRefresh: Int = 0,
        dither: SeededGenerator? = nil, cycleNoise: [CycleToCycleNoise?]? = nil, accumulators: [[Float]]? = nil
    ) {
        self.accumulators = accumulators
        self.layers = layers
        self.stepsApplied = stepsApplied
        self.refreshes = refreshes
        self.examplesSinceRefresh = examplesSinceRefresh
        self.dither = dither
        self.cycleNoise = cycleNoise
    }

    private enum CodingKeys: String, CodingKey {
        case layers, stepsApplied, refreshes, examplesSinceRefresh, dither, cycleNoise, accumulators, hidden, output
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        layers = try c.decodeIfPresent([Matrix<Double>].self, forKey: .layers)
            ?? [c.decode(Matrix<Double>.self, forKey: .hidden), c.decode(Matrix<Double>.self, forKey: .output)]
        stepsApplied = try c.decode(Int.self, forKey: .stepsApplied)
        refreshes = try c.decodeIfPresent(Int.self, forKey: .refreshes) ?? 0
        examplesSinceRefresh = try c.decodeIfPresent(Int.self, forKey: .examplesSinceRefresh) ?? 0
        dither = try c.decodeIfPresent(SeededGenerator.self, forKey: .dither)
        cycleNoise = try c.decodeIfPresent([CycleToCycleNoise?].self, forKey: .cycleNoise)
        accumulators = try c.decodeIfPresent([[Float]].self, forKey: .accumulators)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(layers, forKey: .layers)
        try c.encode(stepsApplied, forKey: .stepsApplied)
        try c.encode(refreshes, forKey: .refreshes)
        try c.encode(examplesSinceRefresh, forKey: .examplesSinceRefresh)
        try c.encodeIfPresent(dither, forKey: .dither)
        try c.encodeIfPresent(cycleNoise, forKey: .cycleNoise)
        try c.encodeIfPresent(accumulators, forKey: .accumulators)
    }

    /// Checks the shapes against the weight `layers` and `mapping` (two columns per weight
    /// for pairs), every state against `[0, 1]` and the counters, naming the field.
    public func validate(layers weights: [WeightLayer], mapping: WeightMapping) throws {
        let m = mapping.columnsPerWeight
        try require(layers.count == weights.count, "devices.layers", "holds \(layers.count) crossbars; the network has \(weights.count) layers")
        for (index, (matrix, layer)) in zip(layers, weights).enumerated() {
            let field = "devices.layers[\(index)]"
            try require(
                matrix.rows == layer.rows && matrix.cols == layer.cols * m, field,
                "is \(matrix.rows)×\(matrix.cols); the network needs \(layer.rows)×\(layer.cols * m)")
            try require(matrix.elements.allSatisfy { (0...1).contains($0) }, field, "holds a state outside [0, 1]")
        }
        try require(stepsApplied >= 0, "devices.steps_applied", "must be ≥ 0, got \(stepsApplied)")
        try require(refreshes >= 0, "devices.refreshes", "must be ≥ 0, got \(refreshes)")
        try require(examplesSinceRefresh >= 0, "devices.examples_since_refresh", "must be ≥ 0, got \(examplesSinceRefresh)")
        try require(
            (cycleNoise?.count ?? layers.count) == layers.count, "devices.cycle_noise", "must hold every crossbar's noise")
        if let accumulators {
            try require(
                accumulators.map(\.count) == weights.map { $0.rows * $0.cols }, "devices.accumulators",
                "must hold one accumulator per weight of every layer")
            try require(accumulators.allSatisfy { $0.allSatisfy(\.isFinite) }, "devices.accumulators", "holds a value that is not finite")
        }
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

    /// `layer 0 (input-to-hidden crossbar)` or `layer 1 (hidden-to-output crossbar)` in a
    /// two-layer network; `layer 2 (crossbar)` beyond.
    static func crossbar(_ layer: Int) -> String {
        switch layer {
        case 0: return "layer 0 (input-to-hidden crossbar)"
        case 1: return "layer 1 (hidden-to-output crossbar)"
        default: return "layer \(layer) (crossbar)"
        }
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
