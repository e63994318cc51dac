import Foundation

/// One epoch's figures.
public struct EpochRecord: Codable, Equatable, Sendable {
    /// Epoch number, from 1.
    public var epoch: Int
    /// Fraction of training examples misclassified during the epoch (before their update).
    public var trainError: Double
    /// Mean training loss during the epoch.
    public var trainLoss: Double
    /// Fraction of test examples misclassified after the epoch.
    public var testError: Double
    /// Mean test loss after the epoch.
    public var testLoss: Double
    /// Learning rate used in the epoch.
    public var learningRate: Double
    /// Wall-clock seconds of the epoch (training and test evaluation).
    public var seconds: Double
    /// Circuit figures of the epoch (device training with a monitor).
    public var circuit: CircuitEpochStats?
}

/// Everything needed to continue a run exactly where it stopped.
public struct TrainingCheckpoint: Codable, Equatable, Sendable {
    /// The run's configuration.
    public var configuration: TrainingConfiguration
    /// The network after the last finished epoch.
    public var network: Network
    /// The random generator after the last finished epoch (data order continues from it).
    public var generator: SeededGenerator
    /// Learning rate for the next epoch.
    public var nextLearningRate: Double
    /// Finished epochs.
    public var history: [EpochRecord]
}

/// A training run: epochs with the adaptive learning rate, a checkpoint after every epoch
/// (written atomically) and exact resumption from it. The same configuration and data give a
/// bitwise identical network and history (single-threaded BLAS, seeded data order).
public final class TrainingRun {
    /// Where progress is reported after every epoch: the record and the estimated seconds left.
    public typealias Progress = (EpochRecord, Double) -> Void

    public private(set) var checkpoint: TrainingCheckpoint
    private let train: Dataset
    private let test: Dataset
    private let checkpointPath: String?
    private let schedule = LearningRateSchedule()
    private let trainer: Trainer
    /// Computes the forward products instead of CBLAS when set (e.g. a SPICE crossbar read).
    public var product: LayerProduct? {
        get { trainer.product }
        set { trainer.product = newValue }
    }
    /// Called at the end of every epoch for the circuit figures to log with it.
    public var circuitStats: (() -> CircuitEpochStats)?

    /// Starts a run, or resumes the checkpoint at `checkpointPath` when `resume` is set and one
    /// exists (its configuration must match, except for a larger epoch count).
    public init(
        configuration: TrainingConfiguration, train: Dataset, test: Dataset, checkpointPath: String?, resume: Bool,
        weightUpdater: ((Network) throws -> WeightUpdater)? = nil
    ) throws {
        try configuration.validate()
        try require(train.features == test.features, "data", "training and test sets have different input sizes")
        Kernels.useOneBLASThread()
        self.train = train
        self.test = test
        self.checkpointPath = checkpointPath
        if resume, let path = checkpointPath, let data = FileManager.default.contents(atPath: path) {
            var saved: TrainingCheckpoint
            do {
                saved = try JSONDecoder().decode(TrainingCheckpoint.self, from: data)
            } catch {
                throw DataError(path, "is not a readable checkpoint: \(error)")
            }
            var comparable = saved.configuration
            comparable.epochs = configuration.epochs
            guard comparable == configuration else {
                throw DataError(path, "was written by a run with another configuration; start without --resume or use another output folder")
            }
            saved.configuration = configuration
            checkpoint = saved
        } else {
            var generator = SeededGenerator(seed: configuration.seed)
            let network = Network(
                inputs: train.features, hidden: configuration.hidden, outputs: train.classes,
                activation: configuration.activation, feedback: configuration.feedback, using: &generator)
            checkpoint = TrainingCheckpoint(
                configuration: configuration, network: network, generator: generator,
                nextLearningRate: configuration.learningRate, history: [])
        }
        let updater = try weightUpdater?(checkpoint.network)
            ?? IdealWeightUpdater(method: configuration.method, encoding: configuration.encoding)
        trainer = Trainer(configuration: configuration, network: checkpoint.network, weightUpdater: updater)
    }

    /// Runs the remaining epochs, checkpointing after each, and returns the history.
    @discardableResult
    public func run(progress: Progress? = nil) throws -> [EpochRecord] {
        let configuration = checkpoint.configuration
        while checkpoint.history.count < configuration.epochs {
            let start = Date()
            var order = Array(0..<train.count)
            order.shuffle(using: &checkpoint.generator)
            let rate = checkpoint.nextLearningRate
            let (trainError, trainLoss) = try trainer.trainEpoch(on: train, order: order, rate: rate)
            let (testError, testLoss) = try trainer.evaluate(on: test)
            let record = EpochRecord(
                epoch: checkpoint.history.count + 1, trainError: trainError, trainLoss: trainLoss, testError: testError,
                testLoss: testLoss, learningRate: rate, seconds: Date().timeIntervalSince(start),
                circuit: circuitStats?())
            checkpoint.nextLearningRate = schedule.next(
                rate: rate, previous: checkpoint.history.last?.trainError, current: trainError)
            checkpoint.history.append(record)
            checkpoint.network = trainer.network
            if let checkpointPath { try save(to: checkpointPath) }
            let meanSeconds = checkpoint.history.suffix(5).map(\.seconds).reduce(0, +) / Double(min(5, checkpoint.history.count))
            progress?(record, meanSeconds * Double(configuration.epochs - checkpoint.history.count))
        }
        return checkpoint.history
    }

    private func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(try encoder.encode(checkpoint), to: path)
    }
}
