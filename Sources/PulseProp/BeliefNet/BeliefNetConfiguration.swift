/// What the contrastive-divergence statistics are made of (``ContrastiveDivergence``).
public enum BeliefNetStatistics: String, Codable, CaseIterable, Sendable {
    /// Binary samples of every unit: the products are pulse coincidences (Wang et al.).
    case samples
    /// Probabilities where the Gibbs chain allows (Hinton's code): less sampling noise.
    case probabilities
}

/// The contrastive-divergence recipe a run follows: its statistics, momentum and weight cost.
public struct BeliefNetRecipe: Equatable, Sendable, CustomStringConvertible {
    public var statistics: BeliefNetStatistics
    public var momentum: Double
    public var weightDecay: Double

    /// E.g. "probabilities, momentum 0.9, weight cost 0.0002".
    public var description: String {
        "\(statistics.rawValue), momentum \(momentum.shortDecimal), weight cost \(weightDecay.shortDecimal)"
    }
}

/// Every choice of a deep-belief-net run. Defaults follow the network of Wang et al.'s code
/// (784-500-500-(500+10)-2000, minibatch 100, CD-1, 30 epochs per RBM) and Hinton's
/// practical guide and code (learning rate 0.1 on the minibatch mean, probabilities in the
/// statistics, momentum 0.5 for the first ``warmEpochs`` epochs of each RBM and 0.9 after,
/// weight cost 0.0002).
public struct BeliefNetConfiguration: Codable, Equatable, Sendable {
    /// Format version of this configuration.
    public var version = 1
    /// Hidden units of each RBM from the input up (the top one is joint with the labels).
    public var layers = [500, 500, 2000]
    /// Epochs of pre-training per RBM.
    public var epochs = 30
    /// Minibatch size.
    public var batch = 100
    /// Gibbs steps of the model phase (CD-k).
    public var cdK = 1
    /// Learning rate on the minibatch mean: the float weights change by `lr/B` per coincidence
    /// count; device weights by one pulse's step per `θ` counts.
    public var learningRate = 0.1
    /// What the CD statistics are made of; nil: samples (configurations from before it existed).
    public var statistics: BeliefNetStatistics? = .probabilities
    /// Momentum `μ` of the digital update (``MomentumUpdater``), from epoch ``warmEpochs`` + 1
    /// of each RBM on (before: `min(μ, 0.5)`); nil: none (configurations from before it
    /// existed read as the plain CD update they ran).
    public var momentum: Double? = 0.9
    /// Weight cost `λ` per example (L2 decay of the weights, not the biases); nil: none.
    public var weightDecay: Double? = 0.0002
    /// Seed of weights, data order and sampling.
    public var seed: UInt64 = 1
    /// What holds the weights: floats or device pairs.
    public var weights: WeightMode = .ideal
    /// Device of the pairs (device weights): a preset name, or the path of a Verilog-A file
    /// (then ``verilogA`` holds the device as checked).
    public var device = "taox-hfox"
    /// The Verilog-A device `device` names, with its options applied and its conductances
    /// measured (``VerilogADeviceCheck``); nil for a preset.
    public var verilogA: VerilogADevice?
    /// Calibration file of the analytic response (nil: the preset's shipped one; a Verilog-A
    /// device needs one, made by `pulseprop calibrate`).
    public var calibration: String?
    /// How device weights are written.
    public var write = DeviceWrite.accumulate
    /// `θ`: coincidence counts per pulse (device weights; the batch size in Wang et al.).
    public var threshold = 100.0
    /// The crossbar engine of the circuit path (nil: each device from its pulse response).
    public var engine: EngineKind?

    public init() {}

    /// Most Gibbs steps of the model phase: far beyond CD-k in practice (Hinton's guide uses
    /// up to CD-10 or so), small enough that one minibatch stays a bounded amount of work.
    public static let maxCDK = 1000

    /// Epochs of each RBM at momentum `min(μ, 0.5)` (Hinton's code: 5).
    public static let warmEpochs = 5

    /// The device of the pairs: the Verilog-A one, or the preset's.
    public var pairDevice: Device {
        verilogA.map(Device.verilogA) ?? DevicePreset.named(device)!.device
    }

    /// The recipe as run: a nil field (configurations from before it existed) is the plain CD
    /// update's choice, samples, no momentum, no weight cost.
    public var recipe: BeliefNetRecipe {
        BeliefNetRecipe(statistics: statistics ?? .samples, momentum: momentum ?? 0, weightDecay: weightDecay ?? 0)
    }

    /// Momentum of epoch `epoch` (from 1) of an RBM.
    public func momentum(epoch: Int) -> Double {
        let final = recipe.momentum
        return epoch <= Self.warmEpochs ? min(final, 0.5) : final
    }

    /// Whether every update is digital (counts that momentum and weight cost can shape): all
    /// but per-batch writes through a crossbar engine, whose pulses are the coincidences.
    public var digitalUpdate: Bool { !(engine != nil && write == .perBatch && weights == .pair) }

    /// Fills in what the user left unset (nil) from the update path: the coincidence path
    /// (``digitalUpdate`` false: pairs written per batch through an engine) writes the
    /// coincidences of binary units themselves, so it takes samples and no digital momentum or
    /// weight cost; the digital path keeps Hinton's recipe. Set ``engine``, ``write`` and
    /// ``weights`` first.
    public mutating func fillPathDefaults(statistics: BeliefNetStatistics?, momentum: Double?, weightDecay: Double?) {
        self.statistics = statistics ?? (digitalUpdate ? self.statistics : .samples)
        self.momentum = momentum ?? (digitalUpdate ? self.momentum : 0)
        self.weightDecay = weightDecay ?? (digitalUpdate ? self.weightDecay : 0)
    }

    /// Checks every choice, naming the first bad option.
    public func validate() throws {
        try require(version == 1, "version", "is \(version); this PulseProp reads version 1")
        try require(!layers.isEmpty, "layers", "needs at least one hidden layer")
        try require(layers.allSatisfy { $0 >= 1 }, "layers", "every layer needs ≥ 1 unit, got \(layers.map(String.init).joined(separator: ","))")
        try require(layers.allSatisfy { $0 <= 100_000 }, "layers", "at most 100000 units per layer, got \(layers.max() ?? 0)")
        try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
        try require(batch >= 1, "batch", "must be ≥ 1, got \(batch)")
        try require(cdK >= 1, "cd-k", "must be ≥ 1, got \(cdK)")
        try require(
            cdK <= Self.maxCDK, "cd-k",
            "at most \(Self.maxCDK) Gibbs steps (each minibatch costs cd-k times a CD-1 step), got \(cdK)")
        try require(learningRate > 0 && learningRate.isFinite, "lr", "must be a finite value > 0, got \(learningRate)")
        try require(weights != .reference, "weights", "a belief net's devices are pairs: use ideal or pair")
        let recipe = recipe
        try require(recipe.momentum >= 0 && recipe.momentum < 1, "momentum", "must be in [0, 1), got \(recipe.momentum)")
        try require(
            recipe.weightDecay >= 0 && recipe.weightDecay.isFinite, "weight-decay", "must be a finite value ≥ 0, got \(recipe.weightDecay)")
        try require(
            digitalUpdate || (recipe.momentum == 0 && recipe.weightDecay == 0), "momentum",
            "needs a digital update: per-batch writes through an engine are the coincidences themselves (use --momentum 0 --weight-decay 0)")
        try require(
            digitalUpdate || recipe.statistics == .samples, "statistics",
            "must be samples for per-batch writes through an engine: their pulses are the coincidences of binary units")
        try require(threshold > 0 && threshold.isFinite, "threshold", "must be a finite value > 0, got \(threshold)")
        try require(
            write != .perExample, "write",
            "a belief net writes once per minibatch: use per-batch or accumulate (per-example writes are backpropagation's)")
        try require(engine == nil || weights == .pair, "engine", "simulates device crossbars: add --weights pair")
        if weights == .pair, verilogA == nil {
            try require(
                DevicePreset.named(device) != nil, "device", "unknown preset '\(device)' (see 'pulseprop devices', or a FILE.va)")
        }
    }
}

extension BeliefNetConfiguration: ResumableConfiguration {}
