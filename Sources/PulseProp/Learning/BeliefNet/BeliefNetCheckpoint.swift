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

    /// The RBM and epoch the next epoch trains, or nil when pre-training is done.
    public var next: (layer: Int, epoch: Int)? {
        let done = history.count
        let total = configuration.epochs * net.layers.count
        return done < total ? (done / configuration.epochs, done % configuration.epochs + 1) : nil
    }

    /// Reads the checkpoint at `path`, checked against `configuration` and the data's shape.
    public static func read(path: String, configuration: BeliefNetConfiguration, features: Int, classes: Int) throws -> BeliefNetCheckpoint {
        let checkpoint: BeliefNetCheckpoint
        do {
            checkpoint = try SnakeCaseJSON.decode(BeliefNetCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw DataError(path, "is not a readable checkpoint: \(SnakeCaseJSON.reason(error))")
        }
        // Epochs are per RBM, so even a longer run is not a continuation of a shorter one.
        guard checkpoint.configuration == configuration else {
            throw DataError(path, "was written by a run with another configuration; start without --resume or use another output folder")
        }
        do {
            try checkpoint.net.validate()
            try require(checkpoint.net.sizes == [features] + configuration.layers, "net.sizes", "do not match the data and --layers")
            try require(checkpoint.net.classes == classes, "net.classes", "is \(checkpoint.net.classes); the data has \(classes)")
            try require(checkpoint.history.count <= configuration.epochs * configuration.layers.count, "history", "holds more epochs than the run has")
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
