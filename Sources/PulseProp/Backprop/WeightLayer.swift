/// One layer's weights as a crossbar holds them: `rows × cols`, row-major, row `i` driven by
/// input `i`. A layer whose inputs end in a constant 1 keeps its biases in that last row, so
/// they learn by the same rule as the weights.
///
/// Backpropagation's layers are `(fan-in + 1) × width`; a restricted Boltzmann machine's
/// layer is `(visible + 1) × (hidden + 1)`, its last row the hidden biases and its last
/// column the visible biases (driven by a constant hidden unit of 1).
public struct WeightLayer: Codable, Equatable, Sendable {
    /// Inputs (crossbar rows), the bias input included.
    public let rows: Int
    /// Outputs (weight columns).
    public let cols: Int
    /// `rows × cols` weights, row-major.
    public var values: [Float]

    /// A layer of `rows × cols` weights; `values` must hold `rows·cols` of them.
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(values.count == rows * cols, "a \(rows)×\(cols) layer needs \(rows * cols) weights")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Checks the shape and that every weight is finite, naming `field`.
    public func validate(_ field: String, rows: Int, cols: Int) throws {
        try require(
            self.rows == rows && self.cols == cols, field, "is \(self.rows)×\(self.cols); the network needs \(rows)×\(cols)")
        try require(values.count == rows * cols, "\(field).values", "holds \(values.count) values; the network needs \(rows * cols)")
        try require(values.allSatisfy(\.isFinite), "\(field).values", "holds a value that is not finite")
    }
}
