import Foundation

/// A small, fast, seedable random number generator (SplitMix64).
///
/// Every random choice in PulseProp draws from one of these, so the same seed gives the same
/// run bit for bit on every machine.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    private var state: UInt64

    /// Creates a generator from `seed`.
    public init(seed: UInt64) { state = seed }

    /// SplitMix64's increment: the state after `n` draws is the state before them plus `n·γ`.
    static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The state before the next draw, for kernels that make draws in blocks at once
    /// (``skip(_:)`` then moves past them).
    var currentState: UInt64 { state }

    /// Moves past `n` draws without making them: the generator ``next()`` would be after them.
    mutating func skip(_ n: Int) { state &+= UInt64(n) &* Self.gamma }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededGenerator {
    /// A standard normal deviate (Box–Muller on two uniform draws, one of the pair).
    public mutating func standardNormal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A uniform draw in `[0, 1)` with 24 random bits (one `next()`).
    @inline(__always)
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }
}
