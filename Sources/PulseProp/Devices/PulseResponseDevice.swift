import Foundation

/// A device given by its measured pulse response in NeuroSim's form (Chen, Peng, Yu et al.,
/// IEEE TCAD 2018): after `P` identical programming pulses from the OFF state,
///
///     G(P) = B·(1 − e^(−P/A)) + G_off,      B = (G_on − G_off)/(1 − e^(−P_max/A)),
///
/// and the mirrored curve for depression from the ON state. `P_max` is the number of levels
/// (pulses for a full swing) and `A = a·P_max` with `a` the normalised constant NeuroSim
/// tabulates against its nonlinearity label (`documents/Nonlinearity-NormA.htm` of
/// MLP_NeuroSim V3.0).
///
/// The curve solves `dG/dP = (G_off + B − G)/A`: in the state `x = (G − G_off)/(G_on − G_off)`
/// it is the threshold family's potentiation `dx/dΦ = x_top − x` with `x_top = 1/(1 − e^(−1/a))`
/// and a dose of `1/A` per pulse, and for depression `dx/dΦ = −(x − x_bot)` with
/// `x_bot = 1 − 1/(1 − e^(−1/a_d))`. ``switching`` realises it so: thresholds as given,
/// exponents 1, and rates chosen so that one ``referencePulse`` delivers the dose `1/A`.
/// A linear device is the limit `a → ∞`; a large finite `a` (the `linear` preset has 10⁴)
/// keeps every step within `1/a` (0.01 %) of `1/P_max`.
public struct PulseResponseDevice: DeviceModel {
    public static let kind = "pulse_response"

    /// Potentiation pulses for a full OFF → ON swing, `P_max` (> 0).
    public var potentiationLevels: Int
    /// Depression pulses for a full ON → OFF swing (> 0).
    public var depressionLevels: Int
    /// NeuroSim's normalised `A/P_max` of the potentiation curve (> 0; larger is more linear).
    public var potentiationNormalizedA: Double
    /// NeuroSim's normalised `A/P_max` of the depression curve (> 0).
    public var depressionNormalizedA: Double
    /// Conductance of the fully ON device, siemens.
    public var onConductance: Double
    /// Conductance of the fully OFF device, siemens.
    public var offConductance: Double
    /// SET threshold, volts: programming pulses exceed it, half-selected ones do not.
    public var setThreshold: Double
    /// RESET threshold magnitude, volts.
    public var resetThreshold: Double

    /// The programming pulse the level counts refer to: full amplitude across the device,
    /// plateau and edges, as ``PulseShape``'s defaults (1.8 V, 1 µs, 100 ns).
    public static let referencePulse = (amplitude: 1.8, plateau: 1e-6, edge: 1e-7)

    /// Creates a pulse-response device; thresholds default to ±1 V.
    public init(
        potentiationLevels: Int, depressionLevels: Int, potentiationNormalizedA: Double, depressionNormalizedA: Double,
        onConductance: Double, offConductance: Double, setThreshold: Double = 1, resetThreshold: Double = 1
    ) {
        self.potentiationLevels = potentiationLevels
        self.depressionLevels = depressionLevels
        self.potentiationNormalizedA = potentiationNormalizedA
        self.depressionNormalizedA = depressionNormalizedA
        self.onConductance = onConductance
        self.offConductance = offConductance
        self.setThreshold = setThreshold
        self.resetThreshold = resetThreshold
    }

    public func validate() throws {
        try require(potentiationLevels > 0, "potentiationLevels", "must be > 0, got \(potentiationLevels)")
        try require(depressionLevels > 0, "depressionLevels", "must be > 0, got \(depressionLevels)")
        for (a, name) in [(potentiationNormalizedA, "potentiationNormalizedA"), (depressionNormalizedA, "depressionNormalizedA")] {
            // Beyond 1e12 the window offset and its bend's slope lose their precision.
            try require(a > 0 && a <= 1e12, name, "must be a number in (0, 1e12], got \(a)")
        }
        try require(setThreshold > 0, "setThreshold", "must be > 0 V, got \(setThreshold)")
        try require(resetThreshold > 0, "resetThreshold", "must be > 0 V, got \(resetThreshold)")
        try require(
            setThreshold < Self.referencePulse.amplitude && resetThreshold < Self.referencePulse.amplitude, "setThreshold",
            "the thresholds must lie below the \(Self.referencePulse.amplitude) V reference pulse the levels refer to")
        try require(offConductance > 0, "offConductance", "must be > 0 S, got \(offConductance)")
        try require(
            onConductance > offConductance, "onConductance",
            "must exceed offConductance (\(offConductance) S), got \(onConductance)")
    }

    /// `x_top = 1/(1 − e^(−1/a))` (or `x_bot = 1 − x_top` for the depression constant).
    static func windowTop(normalizedA a: Double) -> Double { 1 / -expm1(-1 / a) }

    /// The rate `k` whose reference-pulse dose is `1/(a·P_max)` at threshold `V`: with
    /// exponent 1 a trapezoid of amplitude `u` delivers `k·[t_p·(u/V − 1) + t_e·(V/u)·(u/V − 1)²]`
    /// (``ThresholdMemristor/dose(amplitude:plateau:edge:)``).
    static func rate(levels: Int, normalizedA a: Double, threshold: Double) -> Double {
        let (u, plateau, edge) = referencePulse
        let overdrive = u / threshold - 1
        let dosePerRate = plateau * overdrive + edge * (threshold / u) * overdrive * overdrive
        return 1 / (a * Double(levels) * dosePerRate)
    }

    public var switching: ThresholdDevice {
        ThresholdDevice(
            setThreshold: setThreshold, resetThreshold: resetThreshold,
            setRate: Self.rate(levels: potentiationLevels, normalizedA: potentiationNormalizedA, threshold: setThreshold),
            resetRate: Self.rate(levels: depressionLevels, normalizedA: depressionNormalizedA, threshold: resetThreshold),
            setExponent: 1, resetExponent: 1, onConductance: onConductance, offConductance: offConductance,
            setWindowTop: Self.windowTop(normalizedA: potentiationNormalizedA),
            resetWindowBottom: 1 - Self.windowTop(normalizedA: depressionNormalizedA))
    }
}
