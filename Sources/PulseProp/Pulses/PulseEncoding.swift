/// How the pulse quanta of `x` and `δ` relate.
public enum PulseQuantisation: String, Codable, CaseIterable, Sendable {
    /// One quantum `q = xMax/levels` for both signals, so coincidences are `min(x̂, |δ̂|)/q`.
    case shared
    /// Each signal's range is `levels` quanta of its own: `q_x = xMax/levels`,
    /// `q_δ = (deltaMax − deltaMin)/levels`.
    case separate
}

/// How a signal becomes a whole number of quanta.
public enum PulseRounding: String, Codable, CaseIterable, Sendable {
    /// To the nearest count, ties to even.
    case nearest
    /// Down in magnitude (toward zero): a count never represents more than the signal.
    case floor
    /// Up in magnitude with probability equal to the fractional part, down otherwise, so the
    /// expected count is the ratio itself (device weights). One dither `u ∈ [0, 1)` is drawn
    /// per learning step and shared by every row and column: `n = ⌊|v/q| + u⌋`. Because
    /// `⌊·⌋` is monotone, `min(⌊a + u⌋, ⌊b + u⌋) = ⌊min(a, b) + u⌋`, so each device's
    /// coincidence count is itself `min(a, b)` rounded up with probability equal to its
    /// fractional part: the expected update equals the unrounded one even when it is a
    /// fraction of one pulse.
    case stochastic

    /// The whole count of a ratio `v/q` (signed: `floor` truncates the magnitude; `stochastic`
    /// adds `dither ∈ [0, 1)` to the magnitude before truncating it).
    ///
    /// `floor` takes a ratio within 4 ulps of a whole number as that number: `v/q` of a value
    /// that is exactly `k` quanta can land just below `k` in floating point (`0.3/0.05` is
    /// 5.999999999999999), and a plain truncation would then drop a whole pulse.
    @inline(__always)
    public func whole<T: BinaryFloatingPoint>(_ ratio: T, dither: T = 0) -> T {
        let nearest = ratio.rounded(.toNearestOrEven)
        switch self {
        case .nearest: return nearest
        case .floor: return abs(ratio - nearest) <= 4 * nearest.ulp ? nearest : ratio.rounded(.towardZero)
        case .stochastic:
            let magnitude = (abs(ratio) + dither).rounded(.down)
            return ratio < 0 ? -magnitude : magnitude
        }
    }
}

/// Encodes the forward signal `x` and the back-propagated error `δ` as whole pulse counts.
///
/// `x` is clipped to `[0, xMax]` and `δ` to `[deltaMin, deltaMax]`, then counted in quanta
/// `q_x` and `q_δ`:
///
///     n_x = R(x / q_x),     n_δ = sign(δ) · R(|δ| / q_δ)
///
/// with `R` the ``rounding`` (nearest, ties to even; floor; or stochastic with a dither). Counts are measured from 0 for
/// both signals: a pulse train has a length and a polarity, not an offset, so zero error sends
/// no pulses.
///
/// - ``PulseQuantisation/shared``: `q_x = q_δ = xMax / levels`, so `x = xMax` is `levels`
///   pulses and trains that start together with one period give a device
///   `min(n_x, |n_δ|)` coincident pulses, which is `min(x̂, |δ̂|)/q`. The default `δ` range
///   `[−1, 2]` then spans `levels·3/5` counts.
/// - ``PulseQuantisation/separate``: `q_x = xMax / levels` and
///   `q_δ = (deltaMax − deltaMin) / levels` (3/N for `[−1, 2]`): each signal's whole range is
///   `levels` quanta, so `n_δ ∈ [R(deltaMin/q_δ), R(deltaMax/q_δ)]` (`[−7, 13]` at 20
///   levels). The coincidence count `min(n_x, |n_δ|)` is then the min of differently scaled
///   values: `q_δ·min(n_x, |n_δ|) = min((q_δ/q_x)·x̂, |δ̂|)`.
public struct PulseEncoding: Codable, Equatable, Sendable {
    /// Number of levels `N` over the `x` range (and, with `separate`, over the `δ` range) (≥ 1).
    public var levels: Int
    /// Upper end of the `x` range (the lower end is 0).
    public var xMax: Double
    /// Lower end of the `δ` range (≤ 0).
    public var deltaMin: Double
    /// Upper end of the `δ` range (≥ 0).
    public var deltaMax: Double
    /// Whether `δ` shares `x`'s quantum or has its own.
    public var quantisation: PulseQuantisation
    /// How counts are rounded.
    public var rounding: PulseRounding

    /// Creates an encoding; defaults are the paper's ranges `x ∈ [0, 5]`, `δ ∈ [−1, 2]`, one
    /// shared quantum, rounding to nearest.
    public init(
        levels: Int, xMax: Double = 5, deltaMin: Double = -1, deltaMax: Double = 2,
        quantisation: PulseQuantisation = .shared, rounding: PulseRounding = .nearest
    ) {
        self.levels = levels
        self.xMax = xMax
        self.deltaMin = deltaMin
        self.deltaMax = deltaMax
        self.quantisation = quantisation
        self.rounding = rounding
    }

    /// Decodes an encoding; files written before `quantisation` and `rounding` existed take
    /// `shared` and `nearest`, which is what they were encoded with.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        levels = try c.decode(Int.self, forKey: .levels)
        xMax = try c.decode(Double.self, forKey: .xMax)
        deltaMin = try c.decode(Double.self, forKey: .deltaMin)
        deltaMax = try c.decode(Double.self, forKey: .deltaMax)
        quantisation = try c.decodeIfPresent(PulseQuantisation.self, forKey: .quantisation) ?? .shared
        rounding = try c.decodeIfPresent(PulseRounding.self, forKey: .rounding) ?? .nearest
    }

    /// Checks the ranges and the level count, naming the first bad parameter.
    public func validate() throws {
        try require(levels >= 1, "levels", "must be ≥ 1, got \(levels)")
        try require(xMax > 0 && xMax.isFinite, "xMax", "must be a finite value > 0, got \(xMax)")
        try require(deltaMin <= 0 && deltaMin.isFinite, "deltaMin", "must be ≤ 0, got \(deltaMin)")
        try require(deltaMax >= 0 && deltaMax.isFinite, "deltaMax", "must be ≥ 0, got \(deltaMax)")
        try require(deltaMax > deltaMin, "deltaMax", "must exceed deltaMin")
    }

    /// The value of one `x` pulse, `q_x = xMax / levels`.
    public var xQuantum: Double { xMax / Double(levels) }

    /// The value of one `δ` pulse: `q_x` when shared, `(deltaMax − deltaMin) / levels` when separate.
    public var deltaQuantum: Double {
        switch quantisation {
        case .shared: return xQuantum
        case .separate: return (deltaMax - deltaMin) / Double(levels)
        }
    }

    /// The largest count any signal can take: the length of one phase in pulse periods (with
    /// stochastic rounding, the counts at a dither just below 1).
    public var maxCount: Int {
        let dither = rounding == .stochastic ? 1 - Double.ulpOfOne : 0
        return max(count(x: xMax, dither: dither), count(delta: deltaMax, dither: dither), -count(delta: deltaMin, dither: dither))
    }

    /// `n_x = R(clip(x, 0, xMax) / q_x)` (`dither`: the step's ``PulseRounding/stochastic`` offset).
    public func count(x: Double, dither: Double = 0) -> Int {
        Int(rounding.whole(min(max(x, 0), xMax) / xQuantum, dither: dither))
    }

    /// `n_δ = sign(δ)·R(|clip(δ, deltaMin, deltaMax)| / q_δ)`.
    public func count(delta: Double, dither: Double = 0) -> Int {
        let clipped = min(max(delta, deltaMin), deltaMax)
        let magnitude = Int(rounding.whole(abs(clipped) / deltaQuantum, dither: dither))
        return clipped < 0 ? -magnitude : magnitude
    }
}
