/// Parameters of the threshold memristor family: a VTEAM-type device with a true dead zone and
/// a linear window with per-polarity offsets. Every device kind (``DeviceModel``) is realised
/// as one of these; the SPICE subcircuit and the compiled code model are rendered from them.
///
/// The device has an internal state `x ∈ [0, 1]` (0 = fully OFF, 1 = fully ON). A voltage
/// `v` across it (positive at the row electrode `p`, negative at the column electrode `n`)
/// moves the state only outside the dead zone `−V_reset ≤ v ≤ V_set`:
///
///     dx/dt =  k_set   · ((v / V_set − 1)₊)^α_set       · W₊(x)      for v > V_set
///     dx/dt = −k_reset · ((−v / V_reset − 1)₊)^α_reset  · W₋(x)      for v < −V_reset
///     dx/dt =  0                                                      otherwise
///
/// with the windows (``ThresholdWindow``) `W₊(x) = x_top − x` and `W₋(x) = x − x_bot`,
/// `x_top ≥ 1 ≥ 0 ≥ x_bot`. With `x_top = 1`, `x_bot = 0` (the metal-oxide device) each
/// pulse's step shrinks in proportion to the distance left to the bound it is heading for;
/// larger offsets make the response more linear (NeuroSim's `G(P) = B(1 − e^(−P/A)) + G_min`
/// is this equation in the pulse count). Offset windows bend to zero within
/// ``ThresholdWindow/boundWidth`` of the bound, so the state stays in `[0, 1]`. Conductance
/// is linear in state:
///
///     G(x) = G_off + (G_on − G_off) · x,      I = G(x) · v
///
/// Positive voltage (row above column) potentiates (raises G); negative voltage depresses.
/// These values are the single source of truth: the SPICE subcircuit is rendered from them.
public struct ThresholdDevice: Codable, Equatable, Sendable {
    /// The kind tag of this form in device JSON.
    public static let kind = "threshold"

    /// SET (potentiation) threshold `V_set` in volts, > 0.
    public var setThreshold: Double
    /// RESET (depression) threshold magnitude `V_reset` in volts, > 0.
    public var resetThreshold: Double
    /// SET rate `k_set` in 1/s.
    public var setRate: Double
    /// RESET rate `k_reset` in 1/s.
    public var resetRate: Double
    /// SET non-linearity exponent `α_set` (≥ 1).
    public var setExponent: Double
    /// RESET non-linearity exponent `α_reset` (≥ 1).
    public var resetExponent: Double
    /// Conductance of the fully ON device (x = 1), siemens.
    public var onConductance: Double
    /// Conductance of the fully OFF device (x = 0), siemens.
    public var offConductance: Double
    /// Potentiation window top `x_top ≥ 1` (1: the window `1 − x`).
    public var setWindowTop: Double
    /// Depression window bottom `x_bot ≤ 0` (0: the window `x`).
    public var resetWindowBottom: Double

    /// Creates device parameters; every argument has the metal-oxide default.
    ///
    /// Defaults: ±1 V thresholds, `k = 2·10⁴ /s`, `α = 1`, 10 kΩ ON, 100 kΩ OFF. A 1 µs
    /// pulse of 2 V (twice the threshold) moves a mid-range device by `k·1 V/V·1 µs·0.5 = 1 %`
    /// of its range; a pulse of half the threshold moves it by exactly nothing.
    public init(
        setThreshold: Double = 1.0,
        resetThreshold: Double = 1.0,
        setRate: Double = 2e4,
        resetRate: Double = 2e4,
        setExponent: Double = 1,
        resetExponent: Double = 1,
        onConductance: Double = 1e-4,
        offConductance: Double = 1e-5,
        setWindowTop: Double = 1,
        resetWindowBottom: Double = 0
    ) {
        self.setThreshold = setThreshold
        self.resetThreshold = resetThreshold
        self.setRate = setRate
        self.resetRate = resetRate
        self.setExponent = setExponent
        self.resetExponent = resetExponent
        self.onConductance = onConductance
        self.offConductance = offConductance
        self.setWindowTop = setWindowTop
        self.resetWindowBottom = resetWindowBottom
    }

    /// The default metal-oxide device.
    public static let metalOxide = ThresholdDevice()

    /// Checks every parameter, naming the first one that is out of range.
    public func validate() throws {
        try require(setThreshold > 0, "setThreshold", "must be > 0 V, got \(setThreshold)")
        try require(resetThreshold > 0, "resetThreshold", "must be > 0 V, got \(resetThreshold)")
        try require(setRate > 0 && setRate.isFinite, "setRate", "must be a finite rate > 0, got \(setRate)")
        try require(resetRate > 0 && resetRate.isFinite, "resetRate", "must be a finite rate > 0, got \(resetRate)")
        try require(setExponent >= 1, "setExponent", "must be ≥ 1, got \(setExponent)")
        try require(resetExponent >= 1, "resetExponent", "must be ≥ 1, got \(resetExponent)")
        try require(offConductance > 0, "offConductance", "must be > 0 S, got \(offConductance)")
        try require(
            onConductance > offConductance, "onConductance",
            "must exceed offConductance (\(offConductance) S), got \(onConductance)")
        // The bend's slope 1 + o/d_b must stay finite too.
        try require(
            setWindowTop >= 1 && setWindow.boundSlope.isFinite, "setWindowTop", "must be a finite number ≥ 1, got \(setWindowTop)")
        try require(
            resetWindowBottom <= 0 && resetWindow.boundSlope.isFinite, "resetWindowBottom",
            "must be a finite number ≤ 0, got \(resetWindowBottom)")
    }

    /// The potentiation window `x_top − x`, bent to zero at 1.
    public var setWindow: ThresholdWindow { ThresholdWindow(offset: setWindowTop - 1) }
    /// The depression window `x − x_bot`, bent to zero at 0 (as a function of `1 − x`).
    public var resetWindow: ThresholdWindow { ThresholdWindow(offset: -resetWindowBottom) }

    /// The state a pulse train reaches from `x` when its switching dose is scaled by `factor`,
    /// given the state `next` the unscaled train reaches: the dose `Φ` that takes the distance
    /// to the bound from `d` to `d'` (``ThresholdWindow``) becomes `factor·Φ`. A device whose
    /// rate is `factor` times this one's reaches exactly this state under the same train.
    public func state(scalingDoseBy factor: Double, from x: Double, to next: Double, potentiating: Bool) -> Double {
        if potentiating {
            return 1 - setWindow.distance(after: factor * setWindow.dose(from: 1 - x, to: 1 - next), from: 1 - x)
        }
        return resetWindow.distance(after: factor * resetWindow.dose(from: x, to: next), from: x)
    }
}

extension ThresholdDevice {
    private enum CodingKeys: String, CodingKey {
        case setThreshold, resetThreshold, setRate, resetRate, setExponent, resetExponent
        case onConductance, offConductance, setWindowTop, resetWindowBottom
    }

    /// Decodes every field; the window offsets may be absent (files written before they
    /// existed), meaning the plain windows `1 − x` and `x`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            setThreshold: try c.decode(Double.self, forKey: .setThreshold),
            resetThreshold: try c.decode(Double.self, forKey: .resetThreshold),
            setRate: try c.decode(Double.self, forKey: .setRate),
            resetRate: try c.decode(Double.self, forKey: .resetRate),
            setExponent: try c.decode(Double.self, forKey: .setExponent),
            resetExponent: try c.decode(Double.self, forKey: .resetExponent),
            onConductance: try c.decode(Double.self, forKey: .onConductance),
            offConductance: try c.decode(Double.self, forKey: .offConductance),
            setWindowTop: try c.decodeIfPresent(Double.self, forKey: .setWindowTop) ?? 1,
            resetWindowBottom: try c.decodeIfPresent(Double.self, forKey: .resetWindowBottom) ?? 0)
    }
}
