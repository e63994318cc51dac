import Foundation

/// The continuous mode's drive of one layer: the constant voltage that, held across a device
/// for the drive time `T`, makes it drift by the state step the rule asks for.
///
/// For a requested step `Δs* = −η·∂C/∂s` (``EqPropGradient``; `η` the layer's rate), with
/// `Φ_p` the dose of one programming pulse of the step's polarity and `δ` the mid-range step
/// of one pulse (``EqPropUpdater``), the device is driven at
///
///     v = +V_set·(1 + (g_set·Δs*)^(1/α_set))          Δs* > 0  (SET)
///     v = −V_reset·(1 + (g_reset·(−Δs*))^(1/α_reset))  Δs* ≤ 0  (RESET; at threshold for 0)
///     g = Φ_p/(δ·k·T)
///
/// so its overdrive `ρ = |v|/V_th − 1` delivers the dose `k·T·ρ^α = (|Δs*|/δ)·Φ_p`: the dose of
/// `|Δs*|/δ` pulses, unquantised; the device's own state equation (window included) turns the
/// dose into the state change. For `α = 1` the overdrive is proportional to
/// `|ΔV(β)² − ΔV(0)²|/β`, the rule's own signal. The Swift integration (``voltage(step:)``) and
/// the ngspice transient (``spiceExpression(step:)``) use this one law.
public struct EqPropDrive: Equatable, Sendable {
    /// The layer's learning rate `η`, 1/V².
    public let rate: Double
    /// The drive time `T`, seconds.
    public let time: Double
    let setThreshold: Double
    let setExponent: Double
    let setGain: Double
    let resetThreshold: Double
    let resetExponent: Double
    let resetGain: Double

    /// The law of `memristor` for pulses of doses `setDose`, `resetDose` and mid-range step
    /// `midStep`, held for `time`.
    init(rate: Double, time: Double, memristor: ThresholdMemristor, setDose: Double, resetDose: Double, midStep: Double) {
        let p = memristor.parameters
        self.rate = rate
        self.time = time
        (setThreshold, setExponent, setGain) = (p.setThreshold, p.setExponent, setDose / (midStep * p.setRate * time))
        (resetThreshold, resetExponent, resetGain) = (p.resetThreshold, p.resetExponent, resetDose / (midStep * p.resetRate * time))
    }

    /// The drive voltage for the state step `step` (`Δs*`).
    public func voltage(step: Double) -> Double {
        step > 0
            ? setThreshold * (1 + pow(setGain * step, 1 / setExponent))
            : -resetThreshold * (1 + pow(-resetGain * step, 1 / resetExponent))
    }

    /// The same law as an ngspice B-source expression of the expression `step` (evaluated once
    /// per branch; `pow` is left out for `α = 1`, as ``SpiceFormatting/overdrive`` does).
    func spiceExpression(step: String) -> String {
        let f = SpiceFormatting.number
        func root(_ gain: Double, _ sign: String, _ exponent: Double) -> String {
            let x = "\(f(gain))*(\(sign)(\(step)))"
            return exponent == 1 ? x : "pow(\(x),\(f(1 / exponent)))"
        }
        return "((\(step)) > 0 ? \(f(setThreshold))*(1+\(root(setGain, "", setExponent)))"
            + " : -\(f(resetThreshold))*(1+\(root(resetGain, "-", resetExponent))))"
    }
}
