import Foundation

/// How a gradient step reaches the devices.
public enum EqPropUpdateMode: String, Codable, CaseIterable, Sendable {
    /// Digitally: each device's step quantised into programming pulses of the default shape.
    case pulses
    /// In continuous time: each device drifts under a drive voltage for a fixed time.
    case continuous
}

/// Applies gradient steps `Δs* = −η·∂C/∂s` (``EqPropGradient``) to the devices of a network.
///
/// Both modes deliver a switching dose `Φ` through the device's own state equation
/// (``ThresholdMemristor/state(after:potentiating:from:)``, the exact solution of the
/// windowed drift), so the window's state dependence is the same in both; they differ in how
/// the dose is quantised. With `Φ_p` the dose of one programming pulse (``PulseShape``
/// default: ±1.8 V, 1 µs, 100 ns edges) and `δ = F(½, Φ_p) − ½` the step it makes at mid-range,
/// a device is asked for `n* = |Δs*|/δ` pulses of the polarity of `Δs*`:
///
/// - `pulses`: `n = ⌊n* + U⌋` whole pulses (`U` uniform in `[0, 1)`: stochastic rounding, whose
///   mean is `n*`), dose `n·Φ_p`;
/// - `continuous`: during the nudged phase the device is driven for `T` (``driveTime``) by
///   `v = ±V_th·(1 + ρ)` with overdrive `ρ = (n*·Φ_p/(k·T))^(1/α)`, i.e. its drive above
///   threshold is proportional (for `α = 1`) to `|ΔV(β)² − ΔV(0)²|/β`, the rule's own
///   signal; the state equation integrated over `T` at that constant drive gives the dose
///   `k·T·ρ^α = n*·Φ_p` exactly, unquantised.
public struct EqPropUpdater: Sendable {
    /// How steps are applied.
    public let mode: EqPropUpdateMode
    /// Learning rate `η` of the output layer, 1/V².
    public let rate: Double
    /// Learning rate of the input (hidden) layer, 1/V² (layer-wise rates as in Scellier and
    /// Bengio 2017: the hidden layer's signals are attenuated by its heavy loading).
    public let hiddenRate: Double
    /// Drive time `T` of the continuous mode, seconds.
    public let driveTime: Double
    private let memristor: ThresholdMemristor
    /// Dose of one pulse, SET and RESET.
    private let setDose: Double
    private let resetDose: Double
    /// Mid-range step of one pulse, averaged over both polarities.
    private let midStep: Double
    private var generator: SeededGenerator

    /// An updater for devices `device`; `seed` drives the stochastic rounding of pulse counts.
    public init(
        mode: EqPropUpdateMode, rate: Double, hiddenRate: Double? = nil, device: Device, seed: UInt64, pulse: PulseShape = PulseShape(),
        driveTime: Double = 1e-6
    ) throws {
        try require(rate > 0 && rate.isFinite, "rate", "must be a finite number > 0, got \(rate)")
        try require((hiddenRate ?? 1) > 0 && (hiddenRate ?? 1).isFinite, "hidden-rate", "must be a finite number > 0, got \(hiddenRate ?? 1)")
        self.hiddenRate = hiddenRate ?? rate
        self.mode = mode
        self.rate = rate
        self.driveTime = driveTime
        memristor = try ThresholdMemristor(device)
        setDose = memristor.dose(amplitude: pulse.setAmplitude, plateau: pulse.plateau, edge: pulse.edge)
        resetDose = memristor.dose(amplitude: -pulse.resetAmplitude, plateau: pulse.plateau, edge: pulse.edge)
        midStep = (memristor.state(after: setDose, potentiating: true, from: 0.5)
            - memristor.state(after: resetDose, potentiating: false, from: 0.5)) / 2
        generator = SeededGenerator(seed: seed)
    }

    /// Applies the step of `gradient` to `network`; returns the state changes made (hidden
    /// layer then output layer, row-major).
    @discardableResult
    public mutating func apply(_ gradient: EqPropGradient, to network: inout EqPropNetwork) -> [Double] {
        let a = step(gradient.hidden, &network.hiddenStates, rate: hiddenRate)
        return a + step(gradient.output, &network.outputStates, rate: rate)
    }

    private mutating func step(_ gradient: Matrix<Double>, _ states: inout Matrix<Double>, rate: Double) -> [Double] {
        var changes = [Double](repeating: 0, count: states.elements.count)
        for k in changes.indices {
            let wanted = -rate * gradient.elements[k]
            guard wanted != 0 else { continue }
            let x = states.elements[k]
            let delivered = dose(pulses: abs(wanted) / midStep, potentiating: wanted > 0)
            guard delivered > 0 else { continue }
            let next = memristor.state(after: delivered, potentiating: wanted > 0, from: x)
            states.elements[k] = next
            changes[k] = next - x
        }
        return changes
    }

    /// The dose delivered for `count` requested pulses of one polarity.
    private mutating func dose(pulses count: Double, potentiating: Bool) -> Double {
        let perPulse = potentiating ? setDose : resetDose
        switch mode {
        case .pulses:
            return (count + Double.random(in: 0..<1, using: &generator)).rounded(.down) * perPulse
        case .continuous:
            let v = drive(pulses: count, potentiating: potentiating)
            return memristor.dose(amplitude: v, plateau: driveTime, edge: 0)
        }
    }

    /// The continuous mode's drive voltage for `count` requested pulses' worth of dose.
    func drive(pulses count: Double, potentiating: Bool) -> Double {
        let p = memristor.parameters
        let (threshold, rate, alpha) = potentiating
            ? (p.setThreshold, p.setRate, p.setExponent) : (p.resetThreshold, p.resetRate, p.resetExponent)
        let overdrive = pow(count * (potentiating ? setDose : resetDose) / (rate * driveTime), 1 / alpha)
        return (potentiating ? 1 : -1) * threshold * (1 + overdrive)
    }
}
