/// Encodes the forward signal `x` and the back-propagated error `δ` as whole pulse counts.
///
/// `x` is clipped to `[0, xMax]` and `δ` to `[deltaMin, deltaMax]`. Both are counted in one
/// common quantum `q = xMax / levels`, so `x = xMax` is `levels` pulses and
///
///     n_x = round(x / q),     n_δ = sign(δ) · round(|δ| / q)      (ties to even).
///
/// The common quantum is what makes the circuit compute the learning rule: trains that
/// start together with one period give a device `min(n_x, |n_δ|)` coincident pulses, which is
/// `min(x, |δ|) / q` after quantisation. (With a separate quantum per signal the circuit would
/// compute the min of differently scaled quantities.) With the default ranges the δ range
/// `[−1, 2]` therefore spans `levels·3/5` counts.
public struct PulseEncoding: Codable, Equatable, Sendable {
    /// Number of levels `N` over the `x` range (≥ 1).
    public var levels: Int
    /// Upper end of the `x` range (the lower end is 0).
    public var xMax: Double
    /// Lower end of the `δ` range (≤ 0).
    public var deltaMin: Double
    /// Upper end of the `δ` range (≥ 0).
    public var deltaMax: Double

    /// Creates an encoding; defaults are the paper's ranges `x ∈ [0, 5]`, `δ ∈ [−1, 2]`.
    public init(levels: Int, xMax: Double = 5, deltaMin: Double = -1, deltaMax: Double = 2) {
        self.levels = levels
        self.xMax = xMax
        self.deltaMin = deltaMin
        self.deltaMax = deltaMax
    }

    /// Checks the ranges and the level count, naming the first bad parameter.
    public func validate() throws {
        try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
        try require(xMax > 0 && xMax.isFinite, "xMax", "must be a finite value > 0, got \(xMax)")
        try require(deltaMin <= 0 && deltaMin.isFinite, "deltaMin", "must be ≤ 0, got \(deltaMin)")
        try require(deltaMax >= 0 && deltaMax.isFinite, "deltaMax", "must be ≥ 0, got \(deltaMax)")
        try require(deltaMax > deltaMin, "deltaMax", "must exceed deltaMin")
    }

    /// The value of one pulse, `q = xMax / levels`.
    public var quantum: Double { xMax / Double(levels) }

    /// The largest count any signal can take: the length of one phase in pulse periods.
    public var maxCount: Int { max(levels, count(delta: deltaMax), -count(delta: deltaMin)) }

    /// `n_x = round(clip(x, 0, xMax) / q)`.
    public func count(x: Double) -> Int {
        Int((min(max(x, 0), xMax) / quantum).rounded(.toNearestOrEven))
    }

    /// `n_δ = sign(δ)·round(|clip(δ, deltaMin, deltaMax)| / q)`.
    public func count(delta: Double) -> Int {
        let clipped = min(max(delta, deltaMin), deltaMax)
        let magnitude = Int((abs(clipped) / quantum).rounded(.toNearestOrEven))
        return clipped < 0 ? -magnitude : magnitude
    }
}
