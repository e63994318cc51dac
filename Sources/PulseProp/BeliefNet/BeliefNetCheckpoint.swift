import Foundation

/// One epoch of pre-training of one RBM.
public struct BeliefNetEpoch: Codable, Equatable, Sendable {
    /// The RBM trained (0 = the input's).
    public var layer: Int
    /// Epoch of that RBM, from 1.
    public var epoch: Int
    /// Mean squared reconstruction error per example (non-label visible units).
    public var reconstructionError: Double
    /// Test error of the whole net after the epoch (epochs of the top RBM only).
    public var testError: Double?
    /// Wall-clock seconds of the epoch.
    public var seconds: Double
    /// Write counts of every layer during the epoch (device weights).
    public var writes: [WriteCount]?
}

/// Everything needed to continue a belief-net run exactly where it stopped, written
/// atomically as `checkpoint.json` after every epoch.
public struct BeliefNetCheckpoint: Codable, Equatable, Sendable {
    /// The run's configuration.
    public var configuration: BeliefNetConfiguration
    /// The net after the last finished epoch.
    public var net: BeliefNet
    /// The data-order generator.
    public var order: SeededGenerator
    /// The sampling generator of contrastive divergence.
    public var sampler: SeededGenerator
    /// Finished epochs, in order (layer by layer).
    public var history: [BeliefNetEpoch] = []
    /// Device pairs (device weights written synapse by synapse or programmed).
    public var devices: PairWriteState?
    /// Crossbars written by coincidence steps (per-batch writes through an engine).
    public var coincidence: CoincidenceWrites?
    /// Velocities of the momentum stage (``MomentumUpdater``; digital updates).
    public var velocities: [[Float]]?

    /// A checkpoint of a run that has not started.
    public init(configuration: BeliefNetConfiguration, net: BeliefNet, order: SeededGenerator, sampler: SeededGenerator) {
        self.configuration = configuration
        self.net = net
        self.order = order
        self.sampler = sampler
    }

    /// The RBM and epoch the next epoch trains, or nil when pre-training is done: the last
    /// RBM trained continues until it has ``BeliefNetConfiguration/epochs``, then the next
    /// starts. (After a resume with more epochs, RBMs that had finished keep their epochs: the
    /// RBMs above them learned from them as they were.)
    public var next: (layer: Int, epoch: Int)? {
        guard let last = history.last else { return (0, 1) }
        if last.epoch < configuration.epochs { return (last.layer, last.epoch + 1) }
        return last.layer + 1 < net.layers.count ? (last.layer + 1, 1) : nil
    }

    /// Epochs each RBM has trained so far.
    public var epochsTrained: [Int] {
        (0..<net.layers.count).map { l in history.filter { $0.layer == l }.count }
    }

    /// Epochs still to train (for progress and time estimates).
    public var epochsLeft: Int {
        guard let (layer, epoch) = next else { return 0 }
        return (configuration.epochs - epoch + 1) + (net.layers.count - 1 - layer) * configuration.epochs
    }

    /// Reads the checkpoint at `path`, checked against `configuration` and the data's shape.
    public static func read(path: String, configuration: BeliefNetConfiguration, features: Int, classes: Int) throws -> BeliefNetCheckpoint {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataError(path, "is not a readable checkpoint: \(error.localizedDescription)")
        }
        return try read(data: data, path: path, configuration: configuration, features: features, classes: classes)
    }

    /// The checkpoint in `data` (named `path` in errors), checked as ``read(path:configuration:features:classes:)`` checks it.
    public static func read(
        data: Data, path: String, configuration: BeliefNetConfiguration, features: Int, classes: Int
    ) throws -> BeliefNetCheckpoint {
        var checkpoint: BeliefNetCheckpoint
        do {
            checkpoint = try SnakeCaseJSON.decode(BeliefNetCheckpoint.self, from: data)
        } catch {
            throw DataError(path, "is not a readable checkpoint: \(SnakeCaseJSON.reason(error))")
        }
        // A run continues to more epochs per RBM (see `next`), never to fewer or another configuration.
        try RunHarness.requireResumable(saved: checkpoint.configuration, requested: configuration, checkpoint: path)
        guard checkpoint.configuration.epochs <= configuration.epochs else {
            throw RunError.fewerEpochs(
                checkpoint: path, saved: checkpoint.configuration.epochs, requested: configuration.epochs, unit: "epochs per RBM")
        }
        checkpoint.configuration.epochs = configuration.epochs
        do {
            try checkpoint.net.validate()
            try require(checkpoint.net.sizes == [features] + configuration.layers, "net.sizes", "do not match the data and --layers")
            try require(checkpoint.net.classes == classes, "net.classes", "is \(checkpoint.net.classes); the data has \(classes)")
            try require(checkpoint.history.count <= configuration.epochs * configuration.layers.count, "history", "holds more epochs than the run has")
            for (index, record) in checkpoint.history.enumerated() {
                let (layer, epoch) = index == 0 ? (0, 0) : (checkpoint.history[index - 1].layer, checkpoint.history[index - 1].epoch)
                let follows = (record.layer == layer && record.epoch == epoch + 1) || (index > 0 && record.layer == layer + 1 && record.epoch == 1)
                try require(
                    follows && record.epoch <= configuration.epochs && (0..<configuration.layers.count).contains(record.layer), "history",
                    "record \(index) (RBM \(record.layer), epoch \(record.epoch)) does not follow the one before")
                try require(
                    record.reconstructionError.isFinite && record.seconds.isFinite && (record.testError?.isFinite ?? true), "history",
                    "record \(index) holds a non-finite value")
            }
            let coincidence = configuration.engine != nil && configuration.write == .perBatch
            try require(
                (checkpoint.devices != nil) == (configuration.weights == .pair && !coincidence), "devices", "do not match --weights")
            try require(
                (checkpoint.coincidence != nil) == (configuration.weights == .pair && coincidence), "coincidence",
                "does not match --weights and --engine")
        } catch let error as ParameterError {
            throw DataError(path, "is not a usable checkpoint: field \(error.parameter) \(error.problem)")
        }
        return checkpoint
    }
}
