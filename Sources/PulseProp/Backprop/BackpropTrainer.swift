import Foundation

/// Trains a ``Network`` by minibatches with ``Backpropagation`` through a weight holder
/// (``WeightUpdater``), and evaluates it.
public final class BackpropTrainer {
    /// The configuration trained with.
    public let configuration: BackpropConfiguration
    /// The network as trained so far.
    public private(set) var network: Network
    private let weightUpdater: WeightUpdater
    private let algorithm: Backpropagation
    /// Computes the forward products instead of CBLAS when set (e.g. a SPICE crossbar read).
    public var product: LayerProduct? {
        didSet { algorithm.product = product }
    }
    /// Threads that share each minibatch's forward products and, for float weights, its
    /// update (results do not depend on it). While training, each minibatch runs on the team
    /// or on one thread, whichever ``ThreadChooser`` finds faster at the time.
    public var threads = 1 {
        didSet {
            chooser = ThreadChooser(team: max(threads, 1))
            use(threads: threads)
        }
    }
    private var chooser = ThreadChooser(team: 1)
    /// Input density below which products and float-weight `times` updates take the sparse
    /// kernels (0: always the GEMMs, as a baseline).
    public var sparseDensityLimit = Kernels.sparseDensityLimit {
        didSet {
            algorithm.sparseDensityLimit = sparseDensityLimit
            (weightUpdater as? IdealWeightUpdater)?.sparseDensityLimit = sparseDensityLimit
        }
    }
    /// Called at the start of an epoch and after every minibatch with the examples done and
    /// the epoch's size (progress within long epochs).
    public var batchProgress: ((_ done: Int, _ total: Int) -> Void)?
    private var evaluationBuffers: ForwardBuffers

    /// Creates a trainer for `network` (whose shape must match the data it will see).
    public init(configuration: BackpropConfiguration, network: Network, weightUpdater: WeightUpdater) {
        self.configuration = configuration
        self.network = network
        self.weightUpdater = weightUpdater
        algorithm = Backpropagation(configuration: configuration, network: network)
        evaluationBuffers = ForwardBuffers(capacity: 1000, network: network)
    }

    /// One pass over `data` in the order `order`, at learning rate `rate`; returns the
    /// fraction of examples misclassified (before their update) and the mean loss.
    public func trainEpoch(on data: Dataset, order: [Int], rate: Double) throws -> (error: Double, loss: Double) {
        defer { use(threads: threads) }
        let (wrong, loss) = try algorithm.trainEpoch(
            &network, data: data, order: order, batch: configuration.batch, rate: Float(rate), updater: weightUpdater
        ) { [unowned self] done, total in
            if threads > 1 {
                let now = DispatchTime.now().uptimeNanoseconds
                if done == 0 { chooser.startEpoch(now: now) } else { chooser.endMinibatch(now: now) }
                use(threads: chooser.threads)
            }
            batchProgress?(done, total)
        }
        return (Double(wrong) / Double(order.count), loss / Double(order.count))
    }

    /// Runs the next minibatches (or evaluations) on `count` threads.
    private func use(threads count: Int) {
        algorithm.threads = count
        (weightUpdater as? IdealWeightUpdater)?.threads = max(count, 1)
        (weightUpdater as? DeviceWeightUpdater)?.threads = max(count, 1)
    }

    /// Fraction of `data` misclassified by the current network, and the mean loss.
    public func evaluate(on data: Dataset) throws -> (error: Double, loss: Double) {
        var wrong = 0
        var loss = 0.0
        var start = 0
        while start < data.count {
            let indices = start..<min(start + evaluationBuffers.capacity, data.count)
            evaluationBuffers.load(data, indices: indices, threads: threads)
            try network.forward(&evaluationBuffers, count: indices.count, product: product, threads: threads, sparseDensityLimit: sparseDensityLimit)
            let (w, l) = evaluationBuffers.score(labels: data.labels, indices: indices)
            wrong += w
            loss += l
            start = indices.upperBound
        }
        return (Double(wrong) / Double(data.count), loss / Double(data.count))
    }
}
