/// The inputs of one learning step before encoding: the signals and the devices' states.
public struct StepInputs: Equatable, Sendable {
    /// Forward signal per row (`x ≥ 0`).
    public var x: [Double]
    /// Back-propagated error per column.
    public var delta: [Double]
    /// Device states (rows × cols), each in `[0, 1]`.
    public var states: Matrix<Double>

    /// Creates inputs; the state matrix must be `x.count × delta.count` with states in [0, 1].
    public init(x: [Double], delta: [Double], states: Matrix<Double>) throws {
        try require(!x.isEmpty, "rows", "must be ≥ 1")
        try require(!delta.isEmpty, "cols", "must be ≥ 1")
        try require(x.allSatisfy { $0 >= 0 }, "x", "forward signals must be ≥ 0 (they drive rows with x pulses)")
        try require(
            states.rows == x.count && states.cols == delta.count, "state",
            "is \(states.rows)x\(states.cols) but x has \(x.count) and delta \(delta.count) entries")
        try require(states.elements.allSatisfy { $0 >= 0 && $0 <= 1 }, "state", "every device state must lie in [0, 1]")
        self.x = x
        self.delta = delta
        self.states = states
    }

    /// Random inputs from `seed`: `x ~ U[0, xMax]`, `δ ~ U[deltaMin, deltaMax]`, states
    /// `~ U[0.05, 0.95]` (away from the bounds, where every device can move both ways).
    public static func random(rows: Int, cols: Int, seed: UInt64, encoding: PulseEncoding) throws -> StepInputs {
        try require(rows >= 1, "rows", "must be ≥ 1, got \(rows)")
        try require(cols >= 1, "cols", "must be ≥ 1, got \(cols)")
        try encoding.validate()
        var rng = SeededGenerator(seed: seed)
        let x = (0..<rows).map { _ in Double.random(in: 0...encoding.xMax, using: &rng) }
        let delta = (0..<cols).map { _ in Double.random(in: encoding.deltaMin...encoding.deltaMax, using: &rng) }
        let states = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0.05...0.95, using: &rng) }
        return try StepInputs(x: x, delta: delta, states: states)
    }
}
