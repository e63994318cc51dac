/// How a weight is held by a device: `w = w_max·(G − G_ref)/((G_on − G_off)/2)` with the
/// reference at mid-range, `G_ref = (G_on + G_off)/2` (a device column beside a fixed
/// reference column). In states: `w = w_max·(2x − 1)`, so `x ∈ [0, 1]` spans `w ∈ [−w_max, w_max]`.
public struct WeightMapping: Codable, Equatable, Sendable {
    /// The largest weight magnitude a device can hold.
    public var maxWeight: Double

    /// Creates a mapping with range `[−maxWeight, maxWeight]`.
    public init(maxWeight: Double) { self.maxWeight = maxWeight }

    /// `w = w_max·(2x − 1)`.
    @inline(__always)
    public func weight(state x: Double) -> Float { Float(maxWeight * (2 * x - 1)) }

    /// `x = (1 + w/w_max)/2`, clipped to `[0, 1]`.
    @inline(__always)
    public func state(weight w: Float) -> Double { min(max((1 + Double(w) / maxWeight) / 2, 0), 1) }
}
