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
///   the voltage of ``EqPropDrive`` (`±V_th·(1 + ρ)`, overdrive `ρ = (n*·Φ_p/(k·T))^(1/α)`,
///   i.e. for `α = 1` proportional to `|ΔV(β)² − ΔV(0)²|/β`, the rule's own signal); the state
///   equation integrated over `T` at that constant drive gives the dose `k·T·ρ^α = n*·Φ_p`
///   exactly, unquantised. This is the analytic engine's integration; the SPICE engine
///   simulates the same drive in an ngspice transient (``EqPropDriftEngine``).
///
/// A Verilog-A device has no dose: its pulses are the model's own (``EqPropPulseResponse``),
/// simulated in ngspice with the SPICE solver (``EqPropSpicePulses``) or through its per-pulse
/// response measured from it in ngspice (its calibration) with the analytic one. `δ` is that
/// response's mid-range step, `pulses` sends `n` pulses and `continuous` takes the `n*` pulses
/// unquantised (between the states after `⌊n*⌋` and `⌈n*⌉` pulses, linearly). It has no drive
/// law (``drives`` is nil), so the SPICE engine cannot simulate its continuous drift.
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
    private let response: EqPropPulseResponse
    /// Mid-range step of one pulse, averaged over both polarities.
    private let midStep: Double
    private var generator: SeededGenerator
    /// The continuous mode's drive of the hidden and the output layer (nil for a Verilog-A
    /// device, which has no drive law).
    public let drives: (hidden: EqPropDrive, output: EqPropDrive)?

    /// An updater for devices `device`; `seed` drives the stochastic rounding of pulse counts.
    /// A Verilog-A device's pulses are simulated by `solver`'s ngspice when given, else they go
    /// through `calibration` (``EqPropPulseResponse``).
    public init(
        mode: EqPropUpdateMode, rate: Double, hiddenRate: Double? = nil, device: Device, seed: UInt64, pulse: PulseShape = PulseShape(),
        driveTime: Double = 1e-6, calibration: PulseResponseCalibration? = nil, solver: EqPropSpiceSolver? = nil
    ) throws {
        try require(rate > 0 && rate.isFinite, "rate", "must be a finite number > 0, got \(rate)")
        try require((hiddenRate ?? 1) > 0 && (hiddenRate ?? 1).isFinite, "hidden-rate", "must be a finite number > 0, got \(hiddenRate ?? 1)")
        self.mode = mode
        let response = try EqPropPulseResponse(device: device, pulse: pulse, calibration: calibration, solver: solver)
        let midStep = try response.midStep()
        if case .threshold(let memristor, let setDose, let resetDose) = response {
            func drive(_ rate: Double) -> EqPropDrive {
                EqPropDrive(rate: rate, time: driveTime, memristor: memristor, setDose: setDose, resetDose: resetDose, midStep: midStep)
            }
            drives = (drive(hiddenRate ?? rate), drive(rate))
        } else {
            drives = nil
        }
        (self.rate, self.hiddenRate, self.driveTime) = (rate, hiddenRate ?? rate, driveTime)
        (self.response, self.midStep) = (response, midStep)
        generator = SeededGenerator(seed: seed)
    }

    /// Applies the step of `gradient` to `network`; returns the state changes made (hidden
    /// layer then output layer, row-major).
    @discardableResult
    public mutating func apply(_ gradient: EqPropGradient, to network: inout EqPropNetwork) throws -> [Double] {
        let a = try step(gradient.hidden, &network.hiddenStates, rate: hiddenRate, drive: drives?.hidden)
        return a + (try step(gradient.output, &network.outputStates, rate: rate, drive: drives?.output))
    }

    /// Steps one layer's `states`; the pulses of every device are requested together (a
    /// Verilog-A device's simulated in one transient).
    private mutating func step(_ gradient: Matrix<Double>, _ states: inout Matrix<Double>, rate: Double, drive: EqPropDrive?) throws -> [Double] {
        var changes = [Double](repeating: 0, count: states.elements.count)
        var requests: [EqPropPulseResponse.Request] = []
        var requested: [Int] = []
        for k in changes.indices {
            let wanted = -rate * gradient.elements[k]
            guard wanted != 0 else { continue }
            let x = states.elements[k]
            let count: Double
            switch (mode, response) {
            case (.pulses, _):
                count = (abs(wanted) / midStep + Double.random(in: 0..<1, using: &generator)).rounded(.down)
                guard count > 0 else { continue }
            case (.continuous, .threshold(let memristor, _, _)):
                let delivered = memristor.dose(amplitude: drive!.voltage(step: wanted), plateau: driveTime, edge: 0)
                guard delivered > 0 else { continue }
                let next = memristor.state(after: delivered, potentiating: wanted > 0, from: x)
                states.elements[k] = next
                changes[k] = next - x
                continue
            case (.continuous, _):
                count = abs(wanted) / midStep
            }
            requests.append(.init(state: x, count: count, potentiating: wanted > 0))
            requested.append(k)
        }
        for (k, next) in zip(requested, try response.states(after: requests)) {
            changes[k] = next - states.elements[k]
            states.elements[k] = next
        }
        return changes
    }
}
