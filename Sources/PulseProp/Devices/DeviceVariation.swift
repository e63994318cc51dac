/// Device-to-device variation and stuck devices of a crossbar: seeded, none by default.
///
/// Device `(i, j)` draws from its own generator, seeded from `(seed, i, j)`, so its values do
/// not depend on the crossbar's size or on the order devices are visited
/// (``DevicePopulation``). Each device is stuck at ON with probability ``stuckOn``, else
/// stuck at OFF with probability ``stuckOff``, else it varies: its SET and RESET rates, `G_on`
/// and `G_off` are each multiplied by `e^(σ·z)`, `z` standard normal, `σ` = ``d2d`` (a
/// log-normal spread of relative width ≈ σ that keeps every value positive; a draw with
/// `G_on ≤ G_off` is drawn again). A rate factor `f` scales the device's dose per pulse, so
/// its response is the nominal one with `NeuroSim`'s `A` divided by `f`.
public struct DeviceVariation: Codable, Equatable, Sendable {
    /// σ of the log-normal factors on the rates and conductances (`--d2d`), ≥ 0.
    public var d2d: Double
    /// Fraction of devices stuck at ON (`--stuck-on`), in [0, 1].
    public var stuckOn: Double
    /// Fraction of devices stuck at OFF (`--stuck-off`), in [0, 1].
    public var stuckOff: Double
    /// Seed of the draws (`--device-seed`).
    public var seed: UInt64

    /// Creates a variation; the defaults are none.
    public init(d2d: Double = 0, stuckOn: Double = 0, stuckOff: Double = 0, seed: UInt64 = 1) {
        self.d2d = d2d
        self.stuckOn = stuckOn
        self.stuckOff = stuckOff
        self.seed = seed
    }

    /// No variation: every device is the nominal one.
    public static let none = DeviceVariation()

    /// The variation of layer `layer`'s crossbar when each layer draws its own pattern
    /// (``VariationPattern/perLayer``): layer 0 keeps ``seed``, layer `l > 0` draws from a
    /// seed mixed from `(seed, l)`, so the layers' defects are independent and reproduce.
    public func forLayer(_ layer: Int, pattern: VariationPattern) -> DeviceVariation {
        guard pattern == .perLayer, layer > 0 else { return self }
        var copy = self
        var mixer = SeededGenerator(seed: seed ^ (0x1A7E_12D0_0000_0000 &+ UInt64(layer)))
        copy.seed = mixer.next()
        return copy
    }

    /// Whether every device is the nominal one.
    public var isNone: Bool { d2d == 0 && stuckOn == 0 && stuckOff == 0 }

    /// Checks each value, named as the CLI option that sets it.
    public func validate() throws {
        try require(d2d >= 0 && d2d.isFinite, "d2d", "must be a finite sigma ≥ 0, got \(d2d)")
        try require(stuckOn >= 0 && stuckOn <= 1, "stuck-on", "must be a fraction in [0, 1], got \(stuckOn)")
        try require(stuckOff >= 0 && stuckOff <= 1, "stuck-off", "must be a fraction in [0, 1], got \(stuckOff)")
        try require(
            stuckOn + stuckOff <= 1, "stuck-off", "plus stuck-on must be at most 1, got \(stuckOn) + \(stuckOff)")
    }
}

/// Whether the crossbars of a network's layers share one device-to-device pattern.
public enum VariationPattern: String, Codable, CaseIterable, Sendable {
    /// Every layer draws its own pattern (``DeviceVariation/forLayer(_:pattern:)``).
    case perLayer = "per-layer"
    /// Every layer's crossbar has the same pattern (device `(i, j)` alike in each): how runs
    /// made before per-layer patterns drew, kept so that their checkpoints resume as they ran.
    case shared
}
