import Foundation

/// The threshold memristor's equations in Swift, with the same parameters as its SPICE
/// subcircuit (see ``ThresholdDevice`` for the formulas).
public struct ThresholdMemristor: Sendable {
    /// The device's parameters.
    public let parameters: ThresholdDevice

    /// Creates a device model; throws if a parameter is out of range.
    public init(_ parameters: ThresholdDevice = .metalOxide) throws {
        try parameters.validate()
        self.parameters = parameters
    }

    /// The equations that realise `device`.
    public init(_ device: Device) throws {
        try self.init(device.switching)
    }

    /// `G(x) = G_off + (G_on − G_off)·x` in siemens.
    @inlinable
    public func conductance(state x: Double) -> Double {
        parameters.offConductance + (parameters.onConductance - parameters.offConductance) * x
    }

    /// Inverse of ``conductance(state:)``.
    @inlinable
    public func state(conductance g: Double) -> Double {
        (g - parameters.offConductance) / (parameters.onConductance - parameters.offConductance)
    }

    /// Width of the conductance range `G_on − G_off` in siemens.
    public var conductanceRange: Double { parameters.onConductance - parameters.offConductance }

    /// `I = G(x)·v` in amperes.
    public func current(voltage v: Double, state x: Double) -> Double {
        conductance(state: x) * v
    }

    /// `dx/dt` at voltage `v` and state `x`; exactly zero inside the dead zone.
    public func driftRate(voltage v: Double, state x: Double) -> Double {
        let p = parameters
        if v > p.setThreshold {
            return p.setRate * pow(v / p.setThreshold - 1, p.setExponent) * p.setWindow.value(distance: 1 - x)
        }
        if v < -p.resetThreshold {
            return -p.resetRate * pow(-v / p.resetThreshold - 1, p.resetExponent) * p.resetWindow.value(distance: x)
        }
        return 0
    }

    /// The switching dose `Φ = k ∫ ((|v|/V_th − 1)₊)^α dt` of one trapezoidal pulse of
    /// amplitude `amplitude` (sign selects SET or RESET), `plateau` seconds at full amplitude
    /// and linear edges of `edge` seconds each.
    ///
    /// On a linear edge `v = A·t/t_e`, the substitution `u = |v|/V − 1` gives
    /// `∫ u₊^α dt = t_e·(V/|A|)·(|A|/V − 1)^(α+1)/(α+1)`, so
    /// `Φ = k·[plateau·(|A|/V − 1)^α + 2·t_e·(V/|A|)·(|A|/V − 1)^(α+1)/(α+1)]`, or 0 when
    /// `|A| ≤ V` (the dead zone).
    public func dose(amplitude: Double, plateau: Double, edge: Double) -> Double {
        let p = parameters
        let (threshold, rate, alpha) = amplitude >= 0
            ? (p.setThreshold, p.setRate, p.setExponent)
            : (p.resetThreshold, p.resetRate, p.resetExponent)
        let overdrive = abs(amplitude) / threshold - 1
        guard overdrive > 0 else { return 0 }
        let plateauPart = plateau * pow(overdrive, alpha)
        let edgesPart = 2 * edge * (threshold / abs(amplitude)) * pow(overdrive, alpha + 1) / (alpha + 1)
        return rate * (plateauPart + edgesPart)
    }

    /// The state after a total dose `Φ` of one polarity, from the exact solution of the
    /// window equation (``ThresholdWindow``): with the plain windows SET
    /// `x' = 1 − (1 − x)·e^(−Φ)`, RESET `x' = x·e^(−Φ)`.
    public func state(after dose: Double, potentiating: Bool, from x: Double) -> Double {
        potentiating
            ? 1 - parameters.setWindow.distance(after: dose, from: 1 - x)
            : parameters.resetWindow.distance(after: dose, from: x)
    }
}
