import Foundation

/// The window of one polarity of the threshold family, as a function of the distance `d` the
/// state has left to the bound it is heading for (`d = 1 − x` for potentiation, `d = x` for
/// depression):
///
///     W(d) = o + d                          (o = 0: the plain window d)
///     W(d) = min(o + d, s·d),  s = 1 + o/d_b   for an offset o > 0
///
/// The offset `o` (`x_top − 1` or `−x_bot`) makes the response more linear; within
/// `d_b` = ``boundWidth`` of the bound the window bends linearly to zero, so the state never
/// crosses it. Under a dose `Φ` (`dd/dΦ = −W(d)`) the distance evolves in closed form:
///
///     d' = (o + d)·e^(−Φ) − o                      while d' ≥ d_b
///     d' = d_c·e^(−s·(Φ − Φ_c))                    after it reaches d_c = min(d, d_b) at Φ_c
///
/// with `Φ_c = ln((o + d)/(o + d_b))` (0 when `d ≤ d_b`). With `o = 0` this is `d·e^(−Φ)`.
public struct ThresholdWindow: Equatable, Sendable {
    /// The window offset `o ≥ 0`.
    public let offset: Double

    /// Distance to the bound, as a fraction of the range, where an offset window bends to zero.
    public static let boundWidth = 1e-3

    /// Creates the window with offset `offset` (≥ 0).
    public init(offset: Double) { self.offset = offset }

    /// The slope `s = 1 + o/d_b` of the bent part next to the bound.
    public var boundSlope: Double { 1 + offset / Self.boundWidth }

    /// `W(d)`.
    @inlinable
    public func value(distance d: Double) -> Double {
        offset == 0 ? d : min(offset + d, boundSlope * d)
    }

    /// The distance after a dose `dose` ≥ 0 from the distance `d`.
    @inlinable
    public func distance(after dose: Double, from d: Double) -> Double {
        if offset == 0 { return d * exp(-dose) }
        let bent = Self.boundWidth
        if d > bent {
            let linear = (offset + d) * exp(-dose) - offset
            if linear >= bent { return linear }
            return bent * exp(-boundSlope * (dose - log((offset + d) / (offset + bent))))
        }
        return d * exp(-boundSlope * dose)
    }

    /// The dose that takes the distance from `d` to `d2` (`0 < d2 ≤ d`): the inverse of
    /// ``distance(after:from:)``; infinite when `d2` is 0.
    public func dose(from d: Double, to d2: Double) -> Double {
        guard d2 > 0 else { return d > 0 ? .infinity : 0 }
        if offset == 0 { return log(d / d2) }
        let bent = Self.boundWidth
        let above = { (a: Double, b: Double) in log((self.offset + a) / (self.offset + b)) }
        if d2 >= bent { return above(d, d2) }
        let start = d > bent ? above(d, bent) : 0
        return start + log(min(d, bent) / d2) / boundSlope
    }
}
