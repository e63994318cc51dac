/// The two-layer perceptron `[inputs-hidden-outputs]` with sigmoid outputs.
///
/// Its weight layers are held in order in ``layers``: layer 0 is input-to-hidden,
/// `(inputs+1) × hidden`, layer 1 hidden-to-output, `(hidden+1) × outputs`, each with its
/// biases as the last row, driven by a constant input of 1, so biases learn by the same rule
/// as weights. `feedback` is the fixed random matrix (`hidden × outputs`) of the `const` rule.
///
/// Read from JSON, the layers may also be given as `w1` and `w2` (flat arrays), as
/// checkpoints written before the layers were an array hold them.
public struct Network: Codable, Equatable, Sendable {
    /// Input features.
    public let inputs: Int
    /// Hidden units.
    public let hidden: Int
    /// Output units (classes).
    public let outputs: Int
    /// Hidden non-linearity.
    public let activation: Activation
    /// Weight layers from input to output, each with a bias row.
    public var layers: [WeightLayer]
    /// Fixed random feedback matrix, present for `const` feedback.
    public let feedback: [Float]?

    /// The shape of every layer, `(rows, cols)`, from input to output.
    public var layerShapes: [(rows: Int, cols: Int)] { [(inputs + 1, hidden), (hidden + 1, outputs)] }

    /// Draws initial weights uniform in `[−1/√n, 1/√n]` (`n` the fan-in) and zero biases;
    /// the feedback matrix, if any, from the same distribution as the output layer.
    public init(
        inputs: Int, hidden: Int, outputs: Int, activation: Activation, feedback kind: FeedbackKind,
        using rng: inout SeededGenerator
    ) {
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.activation = activation
        func uniform(rows: Int, cols: Int, fanIn: Int, biasRow: Bool) -> [Float] {
            let bound = Float(1 / Double(fanIn).squareRoot())
            let weights = (0..<(rows * cols)).map { _ in Float.random(in: -bound...bound, using: &rng) }
            return biasRow ? weights + [Float](repeating: 0, count: cols) : weights
        }
        layers = [
            WeightLayer(rows: inputs + 1, cols: hidden, values: uniform(rows: inputs, cols: hidden, fanIn: inputs, biasRow: true)),
            WeightLayer(rows: hidden + 1, cols: outputs, values: uniform(rows: hidden, cols: outputs, fanIn: hidden, biasRow: true)),
        ]
        feedback = kind == .const ? uniform(rows: hidden, cols: outputs, fanIn: hidden, biasRow: false) : nil
    }

    private enum CodingKeys: String, CodingKey {
        case inputs, hidden, outputs, activation, layers, feedback, w1, w2
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputs = try c.decode(Int.self, forKey: .inputs)
        hidden = try c.decode(Int.self, forKey: .hidden)
        outputs = try c.decode(Int.self, forKey: .outputs)
        activation = try c.decode(Activation.self, forKey: .activation)
        feedback = try c.decodeIfPresent([Float].self, forKey: .feedback)
        if let layers = try c.decodeIfPresent([WeightLayer].self, forKey: .layers) {
            self.layers = layers
        } else {
            // The flat form of older checkpoints.
            func layer(_ key: CodingKeys, rows: Int, cols: Int) throws -> WeightLayer {
                let values = try c.decode([Float].self, forKey: key)
                guard values.count == rows * cols else {
                    throw DecodingError.dataCorruptedError(
                        forKey: key, in: c, debugDescription: "holds \(values.count) values; the network needs \(rows * cols)")
                }
                return WeightLayer(rows: rows, cols: cols, values: values)
            }
            layers = [try layer(.w1, rows: inputs + 1, cols: hidden), try layer(.w2, rows: hidden + 1, cols: outputs)]
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inputs, forKey: .inputs)
        try c.encode(hidden, forKey: .hidden)
        try c.encode(outputs, forKey: .outputs)
        try c.encode(activation, forKey: .activation)
        try c.encode(layers, forKey: .layers)
        try c.encodeIfPresent(feedback, forKey: .feedback)
    }
}
