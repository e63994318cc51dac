import Foundation

/// How a device's state answers programming pulses, as ``EqPropUpdater`` applies them: the
/// threshold family's exact solution of its windowed drift (a dose per pulse); or, for a
/// Verilog-A device, the model itself — its pulses simulated in ngspice (``EqPropSpicePulses``,
/// the SPICE solver's) or its per-pulse response measured from it in ngspice (its calibration,
/// ``PulseResponseCalibration``: the state after one pulse of each polarity, as a function of
/// the state before it, on a grid; the analytic solver's).
enum EqPropPulseResponse: Sendable {
    /// The threshold family: the doses of one SET and one RESET pulse through the exact solution.
    case threshold(ThresholdMemristor, setDose: Double, resetDose: Double)
    /// A calibrated table: one pulse is one piecewise-linear step on the grid.
    case table(states: [Double], potentiation: [Double], depression: [Double])
    /// Pulses simulated in ngspice.
    case spice(EqPropSpicePulses)

    /// One device's request: `count ≥ 0` pulses of one polarity from `state`; a fractional
    /// count asks for the state between the ones after `⌊count⌋` and `⌈count⌉` pulses,
    /// linearly (the threshold family's: the dose of `count` pulses).
    struct Request: Equatable, Sendable {
        var state: Double
        var count: Double
        var potentiating: Bool
    }

    /// The response of `device` to pulses of `pulse`: a Verilog-A device's pulses are
    /// simulated by `solver`'s ngspice when one is given, else they go through `calibration`'s
    /// tables (which must have been measured for this device and pulse shape); the others'
    /// come from their equations and need neither.
    init(device: Device, pulse: PulseShape, calibration: PulseResponseCalibration?, solver: EqPropSpiceSolver? = nil) throws {
        if device.verilogA != nil, let solver {
            self = .spice(try solver.pulses(for: device, pulse: pulse))
            return
        }
        guard device.verilogA != nil else {
            let memristor = try ThresholdMemristor(device)
            self = .threshold(
                memristor, setDose: memristor.dose(amplitude: pulse.setAmplitude, plateau: pulse.plateau, edge: pulse.edge),
                resetDose: memristor.dose(amplitude: -pulse.resetAmplitude, plateau: pulse.plateau, edge: pulse.edge))
            return
        }
        let circuit = CrossbarCircuit(device: device, shape: pulse)
        // Without one: the refusal that names the calibrate command.
        let calibration = try calibration ?? PulseResponseCalibration.resolve(path: nil, for: circuit)
        try calibration.validate()
        try calibration.requireMatch(circuit, name: "--calibration")
        self = .table(states: calibration.states, potentiation: calibration.potentiation, depression: calibration.depression)
    }

    /// The state each request ends at (a Verilog-A device's simulated together in one
    /// transient).
    func states(after requests: [Request]) throws -> [Double] {
        if case .spice(let simulator) = self { return try simulator.states(after: requests) }
        return requests.map { state(afterFractionalPulses: $0.count, potentiating: $0.potentiating, from: $0.state) }
    }

    /// `δ`: the step of one pulse at mid-range, averaged over both polarities.
    func midStep() throws -> Double {
        let steps = try states(after: [true, false].map { Request(state: 0.5, count: 1, potentiating: $0) })
        return (steps[0] - steps[1]) / 2
    }

    /// The state after `count ≥ 0` whole pulses of one polarity from `x` (not simulated).
    private func state(afterPulses count: Double, potentiating: Bool, from x: Double) -> Double {
        switch self {
        case .threshold(let memristor, let setDose, let resetDose):
            return memristor.state(after: count * (potentiating ? setDose : resetDose), potentiating: potentiating, from: x)
        case .table(let states, let potentiation, let depression):
            let table = potentiating ? potentiation : depression
            var state = x
            for _ in 0..<Int(count) { state = Self.interpolate(table, on: states, at: state) }
            return state
        case .spice:
            preconditionFailure("simulated pulses are requested together (states(after:))")
        }
    }

    /// The state after `count ≥ 0` pulses, `count` unquantised: the threshold family's dose of
    /// `count` pulses; on a table, between the iterates of `⌊count⌋` and `⌈count⌉` pulses,
    /// linearly.
    private func state(afterFractionalPulses count: Double, potentiating: Bool, from x: Double) -> Double {
        guard case .table = self else { return state(afterPulses: count, potentiating: potentiating, from: x) }
        let whole = count.rounded(.down)
        let before = state(afterPulses: whole, potentiating: potentiating, from: x)
        guard whole != count else { return before }
        let after = state(afterPulses: 1, potentiating: potentiating, from: before)
        return before + (count - whole) * (after - before)
    }

    /// `f(x)` of `table` on `grid` by linear interpolation (clamped to the grid's ends).
    private static func interpolate(_ table: [Double], on grid: [Double], at x: Double) -> Double {
        grid.withUnsafeBufferPointer { grid in table.withUnsafeBufferPointer { GridLookup(x, on: grid).value($0) } }
    }
}
