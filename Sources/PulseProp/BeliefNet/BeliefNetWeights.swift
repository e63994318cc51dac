/// The weight holder of a belief-net run and how to save it: float weights, device pairs
/// written synapse by synapse from the device response (MNIST scale), or crossbars simulated
/// by an engine (``CrossbarEngine``, small nets): per-batch writes as the coincidence steps
/// of every example's data and model phases (``DeviceWeightUpdater``, unidirectional pairs,
/// a layer refreshed when a pair has both devices past ``PairWriteUpdater/saturation``),
/// accumulate writes as row-by-row programming (``PairWriteUpdater`` with engines).
public struct BeliefNetWeights {
    /// Applies every minibatch's update.
    public let updater: WeightUpdater
    /// The momentum stage of a digital update (nil for coincidence steps).
    public let momentum: MomentumUpdater?
    /// Write counts of every layer since the start of the run.
    public let counts: () -> [WriteCount]
    /// Puts the holder's state into the checkpoint.
    public let save: (inout BeliefNetCheckpoint) -> Void

    /// The holder `configuration` asks for, continuing the checkpoint's saved state; a fresh
    /// checkpoint's float weights become the weights the devices hold.
    public init(configuration: BeliefNetConfiguration, checkpoint: inout BeliefNetCheckpoint) throws {
        let (recipe, shapes, velocities) = (configuration.recipe, checkpoint.net.layers, checkpoint.velocities)
        func digital(_ writer: CountWriter) throws -> MomentumUpdater {
            try MomentumUpdater(
                writer: writer, layers: shapes, batch: configuration.batch, momentum: recipe.momentum, weightDecay: recipe.weightDecay,
                saved: velocities)
        }
        guard configuration.weights == .pair else {
            let momentum = try digital(FloatCountWriter())
            (self.momentum, updater) = (momentum, momentum)
            counts = { [] }
            save = { $0.velocities = momentum.velocities }
            return
        }
        let circuit = CrossbarCircuit(device: configuration.pairDevice)
        let hardware = CrossbarHardware(
            circuit: circuit, engine: configuration.engine ?? .analytic, calibrationPath: configuration.calibration)
        let response = try hardware.analyticEngine()
        let layers = checkpoint.net.layers
        let perCount = configuration.learningRate / Double(configuration.batch)
        if configuration.engine != nil, configuration.write == .perBatch {
            // Every coincidence is one nominal pulse: one count moves a weight by one pulse's step.
            let mapping = WeightMapping(.pair, maxWeight: perCount / response.midRangeStep)
            let updater = try DeviceWeightUpdater(
                layers: layers, saved: checkpoint.coincidence?.devices, engines: layers.map { _ in try hardware.makeEngine() },
                encoding: PulseEncoding(levels: 1, xMax: 1, deltaMin: -1, deltaMax: 1), mapping: mapping, scheme: .unidirectional,
                refresh: PairRefresh(saturation: PairWriteUpdater.saturation), response: response)
            let counter = CoincidenceCounter(layers: layers.count, saved: checkpoint.coincidence?.counts)
            updater.observer = { counter.record($0) }
            if checkpoint.coincidence == nil { checkpoint.net.layers = updater.heldWeights(layers) }
            self.updater = UnitGain(updater)
            momentum = nil
            counts = { counter.counts }
            save = { $0.coincidence = CoincidenceWrites(devices: updater.saved, counts: counter.counts) }
            return
        }
        // One mid-range pulse is θ counts' worth of the float weights' update (lr/B per count).
        let mapping = WeightMapping(.pair, maxWeight: perCount * configuration.threshold / response.midRangeStep)
        let engines = try configuration.engine.map { _ in try layers.map { _ in try hardware.makeEngine() } } ?? []
        let pairs = try PairWriteUpdater(
            layers: layers, saved: checkpoint.devices, mapping: mapping, write: configuration.write,
            threshold: configuration.threshold, response: response, circuit: circuit, engines: engines)
        if checkpoint.devices == nil { checkpoint.net.layers = pairs.heldWeights(layers) }
        let momentum = try digital(pairs)
        (self.momentum, updater) = (momentum, momentum)
        counts = { pairs.state.counts }
        save = {
            $0.devices = pairs.state
            $0.velocities = momentum.velocities
        }
    }
}

/// Sends every update to `base` at gain 1: binary units are one pulse each, and the rate is
/// in the weight a pulse moves (``WeightMapping/maxWeight``).
private final class UnitGain: WeightUpdater {
    let base: WeightUpdater
    init(_ base: WeightUpdater) { self.base = base }
    func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) throws {
        try base.update(&layers, signals: signals, count: count, rate: 1)
    }
}

/// Crossbar states and write counts of the coincidence path, as a checkpoint keeps them.
public struct CoincidenceWrites: Codable, Equatable, Sendable {
    /// Device states and counters of every crossbar.
    public var devices: DeviceStates
    /// Write counts per layer.
    public var counts: [WriteCount]
}

/// Counts the pulses, device writes, disturbed devices and energy of the learning steps a
/// ``DeviceWeightUpdater`` applies.
final class CoincidenceCounter {
    private(set) var counts: [WriteCount]

    init(layers: Int, saved: [WriteCount]?) {
        counts = saved ?? Array(repeating: WriteCount(), count: layers)
    }

    /// Adds one step: coincidences are pulses, a device with any is written once, a device
    /// with none that moved anyway was disturbed; the steps of a pair refresh count as refresh
    /// pulses (one refresh per reset step).
    func record(_ event: DeviceStepEvent) {
        var tally = WriteCount()
        for i in 0..<event.before.rows {
            for j in 0..<event.before.cols {
                let k = abs(event.step.coincidences(row: i, col: j))
                if event.refresh != nil {
                    tally.refreshPulses += k
                } else if k > 0 {
                    tally.pulses += k
                    tally.writes += 1
                } else if abs(event.after[i, j] - event.before[i, j]) > CrossbarStepResult.changeThreshold {
                    tally.disturbed += 1
                }
            }
        }
        tally.dose = Double(tally.pulses)
        tally.refreshes = event.refresh == .reset ? 1 : 0
        tally.energy = event.energy?.deviceTotal ?? 0
        counts[event.layer] = counts[event.layer].adding(tally)
    }
}
