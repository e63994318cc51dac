/// How the weight update combines a synapse's input `x` and error `δ`.
public enum UpdateMethod: String, Codable, CaseIterable, Sendable {
    /// `Δw = −η·x·δ` (backpropagation).
    case times
    /// `Δw = −η·sign(x·δ)·min(|x|, |δ|)`: what coincident pulse trains compute.
    case absmin
}

/// How the output error reaches the hidden layer.
public enum FeedbackKind: String, Codable, CaseIterable, Sendable {
    /// Through the transposed forward weights (backpropagation).
    case transposed
    /// Through a fixed random matrix drawn at initialisation (random feedback).
    case const
}

/// Hidden-unit non-linearity.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `max(0, z)`.
    case relu
    /// `1/(1 + e^(−z))`.
    case sigmoid
}

/// What holds the weights.
public enum WeightMode: String, Codable, CaseIterable, Sendable {
    /// Floating-point weights updated by the rule (the paper's setting).
    case ideal
    /// One device per weight against a mid-range reference column (``WeightMapping``),
    /// updated by pulses. Spelled `device` before pairs existed; that name still reads.
    case reference
    /// A differential pair of devices per weight, `w ∝ G⁺ − G⁻` (``WeightMapping``).
    case pair

    /// The spelling of ``reference`` in configurations and checkpoints written before pairs.
    public static let legacyReferenceName = "device"

    /// Reads a name, taking the legacy `device` as ``reference``.
    public init?(name: String) {
        self.init(rawValue: name == Self.legacyReferenceName ? Self.reference.rawValue : name)
    }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let mode = WeightMode(name: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(name)' is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        self = mode
    }

    /// Whether devices hold the weights (``reference`` or ``pair``).
    public var isDevice: Bool { self != .ideal }
}

/// How pulses update device weights (`--update`).
public enum UpdateScheme: String, Codable, CaseIterable, Sendable {
    /// Both polarities: a device is potentiated for a positive update and depressed for a
    /// negative one (with pairs, `G⁺` and `G⁻` move in opposite directions).
    case bidirectional
    /// Lim et al. (2019): potentiation pulses only, on `G⁺` for a positive update and on `G⁻`
    /// for a negative one (pairs only); depression happens only in a refresh.
    case unidirectional
}

/// Every choice of a training run (Negrov et al. 2017, Section 3, with the defaults of the
/// paper's [784-110-10] experiments).
public struct BackpropConfiguration: Codable, Equatable, Sendable {
    /// Weight-update rule.
    public var method: UpdateMethod = .times
    /// Error feedback to the hidden layer.
    public var feedback: FeedbackKind = .transposed
    /// Pulse levels for `x` and `δ` in the update; 0 means continuous.
    public var levels: Int = 0
    /// Hidden units.
    public var hidden: Int = 110
    /// Hidden non-linearity.
    public var activation: Activation = .relu
    /// Training epochs.
    public var epochs: Int = 50
    /// Minibatch size.
    public var batch: Int = 100
    /// Seed of initial weights, feedback matrix and data order.
    public var seed: UInt64 = 1
    /// Initial learning rate: `η` per example for ideal weights (updates are summed over the
    /// minibatch); the gain applied to `δ` before pulse encoding for device weights.
    public var learningRate: Double = 1e-4
    /// What holds the weights.
    public var weights: WeightMode = .ideal
    /// Gain `g_h` on the hidden layer's error before its update: `δ1 = g_h·(δ2·Fᵀ) ⊙ f′(h)`
    /// (1 in the paper). Hardware can amplify each layer's error signal; a gain above 1 keeps
    /// small hidden errors from rounding to zero pulses.
    public var hiddenDeltaGain: Double = 1
    /// Device weights: the initial pulse gain on `x` and `δ` before encoding, held in
    /// ``learningRate`` (JSON `learning_rate`, CLI `--lr`), which the schedule adapts alike.
    public var pulseGain: Double {
        get { learningRate }
        set { learningRate = newValue }
    }
    /// Largest weight magnitude a device holds (device weights only; see ``WeightMapping``).
    public var weightRange: Double = 1
    /// Upper end of the `x` range used for discretisation.
    public var xMax: Double = 5
    /// Lower end of the `δ` range used for discretisation.
    public var deltaMin: Double = -1
    /// Upper end of the `δ` range used for discretisation.
    public var deltaMax: Double = 2
    /// Whether `δ` is counted in `x`'s quantum or in its own (``PulseEncoding``).
    public var quantisation: PulseQuantisation = .shared
    /// How pulse counts are rounded.
    public var rounding: PulseRounding = .nearest
    /// How device weights are updated (pairs may be unidirectional).
    public var update: UpdateScheme = .bidirectional
    /// Device pairs: refresh every this many examples (0: never).
    public var refreshEvery: Int = 0
    /// Device pairs: refresh a layer when both devices of one of its pairs reach this state
    /// (0: never).
    public var refreshSaturation: Double = 0
    /// Cycle-to-cycle noise: the standard deviation of each pulse's state change, relative to
    /// the change (0: none). Drawn from a generator seeded by ``seed``.
    public var c2c: Double = 0
    /// Device weights: write every example's pulses, each minibatch's net counts, or
    /// accumulate-then-fire.
    public var write: DeviceWrite = .perExample
    /// Accumulate-then-fire: pulse quanta per pulse, `θ` (`--threshold`; 1 otherwise).
    public var writeThreshold: Double = 1
    /// Pairs: where the devices start when the initial weights are programmed — centred on
    /// mid-range for bidirectional updates (both devices move both ways), the lower device at 0
    /// for unidirectional ones (all headroom for potentiation). Configurations from before the
    /// choice read as `low`, as they ran.
    public var pairStart: PairStartChoice = .byUpdate
    /// The start used.
    public var resolvedPairStart: PairStart {
        switch pairStart {
        case .byUpdate: return update == .bidirectional ? .centred : .low
        case .low: return .low
        case .centred: return .centred
        }
    }
    /// Whether each layer's crossbar draws its own device-to-device pattern (new runs) or all
    /// share one (configurations from before the choice existed read as shared).
    public var variationPattern: VariationPattern = .perLayer

    /// Creates the paper's default configuration.
    public init() {}

    /// Decodes a configuration; fields missing from older files (written before they existed)
    /// take their default values, so earlier checkpoints and summaries stay readable.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        method = try value(.method, method)
        feedback = try value(.feedback, feedback)
        levels = try value(.levels, levels)
        hidden = try value(.hidden, hidden)
        activation = try value(.activation, activation)
        epochs = try value(.epochs, epochs)
        batch = try value(.batch, batch)
        seed = try value(.seed, seed)
        learningRate = try value(.learningRate, learningRate)
        weights = try value(.weights, weights)
        hiddenDeltaGain = try value(.hiddenDeltaGain, hiddenDeltaGain)
        weightRange = try value(.weightRange, weightRange)
        xMax = try value(.xMax, xMax)
        deltaMin = try value(.deltaMin, deltaMin)
        deltaMax = try value(.deltaMax, deltaMax)
        quantisation = try value(.quantisation, quantisation)
        rounding = try value(.rounding, rounding)
        update = try value(.update, update)
        refreshEvery = try value(.refreshEvery, refreshEvery)
        refreshSaturation = try value(.refreshSaturation, refreshSaturation)
        c2c = try value(.c2c, c2c)
        write = try value(.write, write)
        writeThreshold = try value(.writeThreshold, writeThreshold)
        variationPattern = try value(.variationPattern, VariationPattern.shared)
        pairStart = try value(.pairStart, PairStartChoice.low)
    }

    /// The paper's MNIST setting (the default configuration).
    public static let paperMNIST = BackpropConfiguration()

    /// Circuit-in-the-loop training on ``BuiltinTask``: a [9-6-4] network of 88 devices whose
    /// every example is one learning step per crossbar. Sigmoid hidden units (small ReLU layers
    /// die), a hidden-error gain of 8 (the sigmoid slope ≤ 1/4 would otherwise round hidden
    /// errors to zero pulses), signals in `x ∈ [0, 1]`, `δ ∈ [−1, 1]` at 10 levels, weights
    /// `±4` per device, gain 0.5, one example per update. Chosen by a small search on the
    /// analytic engine (docs/backprop.md, "Built-in task").
    public static let builtinTask: BackpropConfiguration = {
        var c = BackpropConfiguration()
        c.method = .absmin
        c.levels = 10
        c.hidden = 6
        c.activation = .sigmoid
        c.epochs = 8
        c.batch = 1
        c.pulseGain = 0.5
        c.weights = .reference
        c.hiddenDeltaGain = 8
        c.weightRange = 4
        c.xMax = 1
        c.deltaMax = 1
        return c
    }()

    /// The pulse encoding of the update signals, or nil when continuous.
    public var encoding: PulseEncoding? {
        levels == 0
            ? nil
            : PulseEncoding(
                levels: levels, xMax: xMax, deltaMin: deltaMin, deltaMax: deltaMax, quantisation: quantisation,
                rounding: rounding)
    }

    /// Checks every field, naming the first bad one.
    public func validate() throws {
        try require(levels >= 0, "levels", "must be 0 (continuous) or ≥ 1, got \(levels)")
        try encoding?.validate()
        try require(hidden >= 1, "hidden", "must be ≥ 1, got \(hidden)")
        try require(hiddenDeltaGain > 0 && hiddenDeltaGain.isFinite, "hidden-delta-gain", "must be a finite value > 0, got \(hiddenDeltaGain)")
        try require(epochs >= 1, "epochs", "must be ≥ 1, got \(epochs)")
        try require(batch >= 1, "batch", "must be ≥ 1, got \(batch)")
        try require(learningRate > 0 && learningRate.isFinite, "lr", "must be a finite value > 0, got \(learningRate)")
        if weights.isDevice {
            try require(levels >= 1, "levels", "device weights are updated by whole pulses: give --levels ≥ 1")
            try require(method == .absmin, "method", "device weights apply the coincidence rule: use --method absmin")
            try require(weightRange > 0 && weightRange.isFinite, "weight-range", "must be a finite value > 0, got \(weightRange)")
        } else {
            try require(c2c == 0, "c2c", "cycle-to-cycle noise applies to device weights: add --weights reference or pair")
            try require(
                write == .perExample, "write",
                "applies to device weights only (ideal weights are updated per minibatch anyway): add --weights reference or pair")
            // min(⌊a + u⌋, ⌊b + u⌋) = ⌊min(a, b) + u⌋ keeps absmin unbiased under a shared dither;
            // the product ⌊a + u⌋·⌊b + u⌋ of times is not (a = b = ½ gives ½, not ¼).
            try require(
                rounding != .stochastic || method == .absmin, "rounding",
                "stochastic rounding keeps the absmin rule's coincidence count unbiased; with times the product of two rounded signals is biased: use --method absmin")
        }
        try require(
            update == .bidirectional || weights == .pair, "update",
            "unidirectional updates need a pair of devices per weight: add --weights pair")
        try require(refreshEvery >= 0, "refresh-every", "must be ≥ 0 examples (0: never), got \(refreshEvery)")
        try require(
            refreshSaturation >= 0 && refreshSaturation <= 1, "refresh-saturation",
            "must be a state in [0, 1] (0: never), got \(refreshSaturation)")
        try require(
            (refreshEvery == 0 && refreshSaturation == 0) || weights == .pair, "refresh-every",
            "a refresh reprograms the difference of a pair: add --weights pair")
        try require(c2c >= 0 && c2c.isFinite, "c2c", "must be a finite value ≥ 0, got \(c2c)")
        try require(
            writeThreshold > 0 && writeThreshold.isFinite, "threshold", "must be a finite number of pulse quanta > 0, got \(writeThreshold)")
        try require(
            writeThreshold == 1 || write == .accumulate, "threshold",
            "sets the quanta per pulse of accumulate-then-fire: add --write accumulate or drop --threshold")
    }

    /// The weight mapping of device weights (nil for ideal weights).
    public var mapping: WeightMapping? { WeightMapping(mode: weights, maxWeight: weightRange) }

    /// A short name of the rule, e.g. `transposed-absmin-L20`.
    public var ruleName: String {
        "\(feedback.rawValue)-\(method.rawValue)-" + (levels == 0 ? "continuous" : "L\(levels)")
    }
}

extension BackpropConfiguration: ResumableConfiguration {}

/// Where a pair's devices start (``BackpropConfiguration/pairStart``): chosen by the update
/// scheme (`by-update`: centred for bidirectional, low for unidirectional), or fixed.
public enum PairStartChoice: String, Codable, CaseIterable, Sendable {
    case byUpdate = "by-update"
    case low
    case centred
}
