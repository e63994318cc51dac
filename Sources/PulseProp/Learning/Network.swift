/// The two-layer perceptron `[inputs-hidden-outputs]` with sigmoid outputs.
///
/// Each weight matrix carries its biases as an extra last row, driven by a constant input
/// of 1, so biases learn by the same rule as weights. `w1` is `(inputs+1) × hidden`, `w2` is
/// `(hidden+1) × outputs`, both row-major. `feedback` is the fixed random matrix
/// (`hidden × outputs`) of the `const` rule.
public struct Network: Codable, Equatable, Sendable {
    /// Input features.
    public let inputs: Int
    /// Hidden units.
    public let hidden: Int
    /// Output units (classes).
    public let outputs: Int
    /// Hidden non-linearity.
    public let activation: Activation
    /// Input-to-hidden weights with a bias row.
    public var w1: [Float]
    /// Hidden-to-output weights with a bias row.
    public var w2: [Float]
    /// Fixed random feedback matrix, present for `const` feedback.
    public let feedback: [Float]?

    /// Draws initial weights uniform in `[−1/√n, 1/√n]` (`n` the fan-in) and zero biases;
    /// the feedback matrix, if any, from the same distribution as `w2`.
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
        w1 = uniform(rows: inputs, cols: hidden, fanIn: inputs, biasRow: true)
        w2 = uniform(rows: hidden, cols: outputs, fanIn: hidden, biasRow: true)
        feedback = kind == .const ? uniform(rows: hidden, cols: outputs, fanIn: hidden, biasRow: false) : nil
    }
}
