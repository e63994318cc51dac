import Foundation

/// One epoch's figures.
public struct BackpropEpoch: Codable, Equatable, Sendable {
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
    /// Learning rate used in the epoch (the pulse gain, for device weights).
    public var learningRate: Double
    /// Wall-clock seconds of the epoch (training and test evaluation).
    public var seconds: Double
    /// Circuit figures of the epoch (device training with a monitor).
    public var circuit: CircuitEpochStats?
}

/// A training run: epochs with the adaptive learning rate, a checkpoint after every epoch
/// (written atomically) and exact resumption from it. The same configuration and data give a
/// bitwise identical network and history (single-threaded BLAS, seeded data order), for any
/// number of ``threads``.
public final class BackpropRun {
    /// Where progress is reported after every epoch: the record and the estimated seconds left.
    public typealias Progress = (BackpropEpoch, Double) -> Void

    public private(set) var checkpoint: BackpropCheckpoint
    private let train: Dataset
    private let test: Dataset
    private let checkpointPath: String?
    private let schedule = LearningRateSchedule()
    private let trainer: BackpropTrainer
    /// The float-weight updater, whose stochastic-rounding dither the checkpoint keeps.
    private let idealUpdater: IdealWeightUpdater?
    /// Computes the forward products instead of CBLAS when set (e.g. a SPICE crossbar read).
    public var product: LayerProduct? {
        get { trainer.product }
        set { trainer.product = newValue }
    }
    /// Threads that share each minibatch (``BackpropTrainer/threads``); 1 by default, as runs that
    /// share the machine (reproductions, sweeps) use.
    public var threads: Int {
        get { trainer.threads }
        set { trainer.threads = newValue }
    }
    /// Called at the start of every epoch and after every minibatch with the examples done.
    public var batchProgress: ((_ done: Int, _ total: Int) -> Void)? {
        get { trainer.batchProgress }
        set { trainer.batchProgress = newValue }
    }
    /// Called at the end of every epoch for the circuit figures to log with it.
    public var circuitStats: (() -> CircuitEpochStats)?
    /// Called at the end of every epoch, before the checkpoint is written, to add the state
    /// that lives outside the network (device states, the circuit monitor's record).
    public var completeCheckpoint: ((inout BackpropCheckpoint) -> Void)?

    /// Starts a run, or resumes the checkpoint at `checkpointPath` when `resume` is set and one
    /// exists (its configuration must match, except for a larger epoch count; every field is
    /// checked against the configuration and the data before use). `weightUpdater` builds the
    /// updater from the starting (or resumed) checkpoint; default: float weights.
    public init(
        configuration: BackpropConfiguration, train: Dataset, test: Dataset, checkpointPath: String?, resume: Bool,
        weightUpdater: ((BackpropCheckpoint) throws -> WeightUpdater)? = nil
    ) throws {
        try configuration.validate()
        try require(train.features == test.features, "data", "training and test sets have different input sizes")
        Kernels.useOneBLASThread()
        self.train = train
        self.test = test
        self.checkpointPath = checkpointPath
        if let path = RunHarness.checkpointToResume(checkpointPath, resume: resume) {
            let data = try InputFile.data(atPath: path)
            var saved = try BackpropCheckpoint.read(path: path, data: data, features: train.features, classes: train.classes)
            // A run keeps the variation pattern it began with (not a choice of the command line).
            var requested = configuration
            requested.variationPattern = saved.configuration.variationPattern
            try RunHarness.requireResumable(saved: saved.configuration, requested: requested, checkpoint: path)
            saved.configuration = requested
            checkpoint = saved
        } else {
            var generator = SeededGenerator(seed: configuration.seed)
            let network = Network(
                inputs: train.features, hidden: configuration.hidden, outputs: train.classes,
                activation: configuration.activation, feedback: configuration.feedback, using: &generator)
            checkpoint = BackpropCheckpoint(configuration: configuration, network: network, generator: generator)
        }
        let updater = try weightUpdater?(checkpoint)
            ?? IdealWeightUpdater(
                method: configuration.method, encoding: configuration.encoding,
                dither: checkpoint.roundingDither ?? IdealWeightUpdater.initialDither(seed: configuration.seed))
        idealUpdater = updater as? IdealWeightUpdater
        trainer = BackpropTrainer(configuration: configuration, network: checkpoint.network, weightUpdater: updater)
    }

    /// Runs the remaining epochs, checkpointing after each (``RunHarness``), and returns the
    /// history.
    @discardableResult
    public func run(progress: Progress? = nil) throws -> [BackpropEpoch] {
        try RunHarness.run(self, checkpointPath: checkpointPath) { progress?($0, $1) }
        return checkpoint.history
    }
}

extension BackpropRun: LearningRun {
    public var epochsFinished: Int { checkpoint.history.count }
    public var epochsPlanned: Int { checkpoint.configuration.epochs }

    public func runEpoch() throws -> BackpropEpoch {
        let start = Date()
        var order = Array(0..<train.count)
        order.shuffle(using: &checkpoint.generator)
        let rate = checkpoint.nextLearningRate
        let (trainError, trainLoss) = try trainer.trainEpoch(on: train, order: order, rate: rate)
        let (testError, testLoss) = try trainer.evaluate(on: test)
        let record = BackpropEpoch(
            epoch: checkpoint.history.count + 1, trainError: trainError, trainLoss: trainLoss, testError: testError,
            testLoss: testLoss, learningRate: rate, seconds: Date().timeIntervalSince(start),
            circuit: circuitStats?())
        checkpoint.nextLearningRate = schedule.next(rate: rate, previous: checkpoint.history.last?.trainError, current: trainError)
        checkpoint.history.append(record)
        checkpoint.network = trainer.network
        if idealUpdater?.encoding?.rounding == .stochastic { checkpoint.roundingDither = idealUpdater?.dither }
        completeCheckpoint?(&checkpoint)
        return record
    }

    public func checkpointData() throws -> Data { try checkpoint.json() }

    public func logCSV() throws -> String { try BackpropReport.csv(checkpoint.history) }

    public func finish(in folder: String?) throws -> BackpropReport.Summary {
        guard let folder else { return BackpropReport.Summary(configuration: checkpoint.configuration, history: checkpoint.history) }
        return try BackpropReport.writeFiles(history: checkpoint.history, configuration: checkpoint.configuration, folder: folder)
    }
}
