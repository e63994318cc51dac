import Foundation

/// Cycle-to-cycle variation (`--c2c SIGMA`): every pulse's switching dose is scaled by an
/// independent `1 + σ·z`, `z ~ N(0, 1)`. Over the `k` coincident pulses a device receives in
/// one step the relative errors add up to `σ/√k` of the step's dose, so each written device
/// draws one factor per step,
///
///     f = max(0, 1 + σ·z/√k),
///
/// that scales its dose `Φ` (the integral of its switching rate, ``ThresholdWindow``): in SPICE
/// as the device's SET or RESET rate times `f` for that step (a per-instance parameter), in the
/// analytic engine as `d' = distance(after: f·Φ, from: d)`. Factors are drawn phase by phase,
/// row by row, over the columns that pulse in the phase — the order both engines visit the
/// written devices in.
///
/// Seeded: the same seed gives the same perturbations; the generator is part of a
/// checkpoint, so a resumed run continues the same sequence.
public struct CycleToCycleNoise: Codable, Equatable, Sendable {
    /// σ, relative to a pulse's switching dose.
    public var sigma: Double
    /// Where the normal deviates come from.
    public var generator: SeededGenerator

    /// Creates noise of relative size `sigma` drawn from `seed`.
    public init(sigma: Double, seed: UInt64) {
        self.sigma = sigma
        generator = SeededGenerator(seed: seed)
    }

    /// The dose factor of one device written with `pulses` coincident pulses in a step.
    @inline(__always)
    public mutating func factor(pulses: Int) -> Double {
        max(0, 1 + sigma * generator.standardNormal() / Double(pulses).squareRoot())
    }
}
