import Foundation

/// Cycle-to-cycle variation (`--c2c SIGMA`): every pulse's state change is scaled by an
/// independent `1 + σ·z`, `z ~ N(0, 1)`. Over `k` pulses of one step the relative errors of the
/// individual pulses add up to a standard deviation of `σ/√k` of the whole change (the
/// per-pulse changes of one step are nearly equal), so a step from `x` to `x'` becomes
///
///     x'' = clip(x + (x' − x)·(1 + σ·z/√k), 0, 1).
///
/// Seeded: the same seed gives the same perturbations; the generator is part of a
/// checkpoint, so a resumed run continues the same sequence.
public struct CycleToCycleNoise: Codable, Equatable, Sendable {
    /// σ, relative to a pulse's state change.
    public var sigma: Double
    /// Where the normal deviates come from.
    public var generator: SeededGenerator

    /// Creates noise of relative size `sigma` drawn from `seed`.
    public init(sigma: Double, seed: UInt64) {
        self.sigma = sigma
        generator = SeededGenerator(seed: seed)
    }

    /// The state after a step of `pulses` pulses that would move a device from `x` to `next`.
    @inline(__always)
    public mutating func perturb(from x: Double, to next: Double, pulses: Int) -> Double {
        let z = standardNormal()
        return min(max(x + (next - x) * (1 + sigma * z / Double(pulses).squareRoot()), 0), 1)
    }

    /// A standard normal deviate (Box–Muller, one of the pair).
    private mutating func standardNormal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
