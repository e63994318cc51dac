import Foundation

/// A belief-net run: greedy layer-wise pre-training of every RBM by contrastive divergence
/// (``ContrastiveDivergence``), with float weights or device pairs (``BeliefNetWeights``), a
/// checkpoint after every epoch (written atomically) and exact resumption from it. The same
/// configuration and data give the same net and history bit for bit.
public final class BeliefNetRun {
    /// Called after every epoch with its record and the estimated seconds left.
    public typealias Progress = (BeliefNetEpoch, Double) throws -> Void

    public private(set) var checkpoint: BeliefNetCheckpoint
    private let train: Dataset
    private let test: Dataset
    private let checkpointPath: String?
    private let weights: BeliefNetWeights
    /// Most devices of one crossbar the SPICE circuit path takes (one transient per example
    /// and phase, or per programmed row).
    public static let spiceDeviceLimit = 4096
    /// Write counts of every layer since the start of the run (empty for float weights).
    public var writes: [WriteCount] { weights.counts() }
    /// Called at the start of every epoch and after every minibatch with the examples done.
    public var batchProgress: ((_ done: Int, _ total: Int) -> Void)?

    /// Starts a run, or resumes the checkpoint at `checkpointPath` when `resume` is set and one
    /// exists (its configuration must be the same but for more epochs). A run that cannot fit
    /// `memory` (``BeliefNetCost``) is refused before anything is allocated.
    public init(
        configuration: BeliefNetConfiguration, train: Dataset, test: Dataset, checkpointPath: String?, resume: Bool,
        memory: MemoryBudget = .machine
    ) throws {
        try configuration.validate()
        try require(train.features == test.features, "data", "training and test sets have different input sizes")
        try require(train.count > 0 && test.count > 0, "data", "the training and test sets must not be empty")
        try BeliefNetCost(configuration: configuration, features: train.features, classes: train.classes).check(memory)
        Kernels.useOneBLASThread()
        self.train = train
        self.test = test
        self.checkpointPath = checkpointPath
        if let path = RunHarness.checkpointToResume(checkpointPath, resume: resume) {
            checkpoint = try BeliefNetCheckpoint.read(
                path: path, configuration: configuration, features: train.features, classes: train.classes)
        } else {
            var generator = SeededGenerator(seed: configuration.seed)
            let net = BeliefNet(sizes: [train.features] + configuration.layers, classes: train.classes, using: &generator)
            checkpoint = BeliefNetCheckpoint(
                configuration: configuration, net: net, order: generator,
                sampler: SeededGenerator(seed: configuration.seed ^ 0xCD5A_3D1E))
        }
        if configuration.engine == .spice {
            for (l, layer) in checkpoint.net.layers.enumerated() {
                try require(
                    layer.rows * layer.cols * 2 <= Self.spiceDeviceLimit, "engine",
                    "spice simulates small nets only: RBM \(l) needs \(layer.rows)×\(2 * layer.cols) devices, more than \(Self.spiceDeviceLimit)")
            }
        }
        weights = try BeliefNetWeights(configuration: configuration, checkpoint: &checkpoint)
    }

    /// Pre-trains the remaining epochs, checkpointing after each (``RunHarness``), and returns
    /// the history.
    @discardableResult
    public func run(progress: Progress? = nil) throws -> [BeliefNetEpoch] {
        try RunHarness.run(self, checkpointPath: checkpointPath) { try progress?($0, $1) }
        return checkpoint.history
    }
}

extension BeliefNetRun: LearningRun {
    /// Epochs of every RBM together: each RBM trains its epochs in turn, bottom first.
    public var epochsFinished: Int { checkpoint.history.count }
    public var epochsPlanned: Int { checkpoint.history.count + checkpoint.epochsLeft }

    public func runEpoch() throws -> BeliefNetEpoch {
        let configuration = checkpoint.configuration
        guard let (layer, epoch) = checkpoint.next else { throw DataError("dbn", "has no epoch left to run") }
        let rate = Float(configuration.learningRate / Double(configuration.batch))
        let start = Date()
        let before = weights.counts()
        if let momentum = weights.momentum {
            momentum.start(layer: layer, of: checkpoint.net.layers)
            momentum.momentum = Float(configuration.momentum(epoch: epoch))
        }
        let cd = ContrastiveDivergence(
            net: checkpoint.net, layer: layer, k: configuration.cdK, batch: configuration.batch,
            statistics: configuration.recipe.statistics, generator: checkpoint.sampler)
        var order = Array(0..<train.count)
        order.shuffle(using: &checkpoint.order)
        let loss = try cd.trainEpoch(
            &checkpoint.net, data: train, order: order, batch: configuration.batch, rate: rate, updater: weights.updater,
            progress: batchProgress).loss
        try BeliefNetDivergence.check(checkpoint.net, loss: loss, layer: layer, epoch: epoch, learningRate: configuration.learningRate)
        checkpoint.sampler = cd.generator
        let writes = configuration.weights == .pair ? zip(weights.counts(), before).map { now, then in now.adding(then, sign: -1) } : nil
        let record = BeliefNetEpoch(
            layer: layer, epoch: epoch, reconstructionError: loss / Double(order.count),
            testError: layer == checkpoint.net.top ? checkpoint.net.testError(on: test) : nil,
            seconds: Date().timeIntervalSince(start), writes: writes)
        checkpoint.history.append(record)
        weights.save(&checkpoint)
        return record
    }

    public func checkpointData() throws -> Data { try SnakeCaseJSON.encode(checkpoint, pretty: false) }

    public func logCSV() throws -> String { try BeliefNetReport.csv(checkpoint.history) }

    public func finish(in folder: String?) throws -> BeliefNetReport.Summary {
        guard let folder else {
            return BeliefNetReport.Summary(history: checkpoint.history, configuration: checkpoint.configuration, writes: writes)
        }
        return try BeliefNetReport.writeFiles(history: checkpoint.history, configuration: checkpoint.configuration, writes: writes, folder: folder)
    }
}
