import Foundation

/// Programming pulses simulated in ngspice for a Verilog-A device: the SPICE solver's updates
/// come from the model itself, as `train --engine spice` writes its crossbars, rather than from
/// a calibration table.
///
/// One transient writes every device of an update: a `D × 2` crossbar (``SpiceEngine``, ideal
/// wires, the default programming pulses) whose row `k` carries device `k` at its state and
/// `n_k` row pulses; column 0 potentiates and column 1 depresses with `N = max n_k` pulses each
/// (``LearningStep``), so device `k`, placed in the column of its polarity, gets exactly `n_k`
/// full-amplitude coincidences and otherwise only half-amplitude pulses (which the device check
/// bounds; a depressed device sees its row's half-amplitude pulses of the potentiation phase
/// before its own); the other cell of its row is a mid-range stand-in whose result is not
/// used. The state is read from the module's state node once per pulse period, so the state
/// after every number of pulses up to `n_k` is known.
final class EqPropSpicePulses: @unchecked Sendable {
    /// The most pulses one device may be asked for in one update (a transient of that many
    /// periods per phase).
    static let largestCount = 10_000

    // One simulator, used by the trainer that owns it from one thread.
    private let engine: SpiceEngine

    /// A simulator of `device` (a Verilog-A one, checked) under `pulse`.
    init(device: Device, pulse: PulseShape = PulseShape()) throws {
        engine = try SpiceEngine(circuit: CrossbarCircuit(device: device, shape: pulse))
    }

    /// The state each request ends at (``EqPropPulseResponse/Request``), all simulated in one
    /// transient.
    func states(after requests: [EqPropPulseResponse.Request]) throws -> [Double] {
        let active = requests.indices.filter { requests[$0].count > 0 }
        var result = requests.map(\.state)
        guard !active.isEmpty else { return result }
        let counts = active.map { Int(requests[$0].count.rounded(.up)) }
        let n = counts.max()!
        try require(
            n <= Self.largestCount, "rate",
            "asks one device for \(n) programming pulses in one update, more than the \(Self.largestCount) simulated in ngspice: lower the rate")
        let step = try LearningStep(rowCounts: counts, columnCounts: [-n, n], slotsPerPhase: n)
        let states = Matrix(rows: active.count, cols: 2) { row, col in
            let request = requests[active[row]]
            return col == (request.potentiating ? 0 : 1) ? request.state : 0.5
        }
        let paths = try engine.trajectories(engine.netlist(for: step, from: states))
        for (row, k) in active.enumerated() {
            let request = requests[k]
            let (path, offset) = request.potentiating ? (paths[row, 0], 0) : (paths[row, 1], n)
            // `after(j)`: the state after `j` pulses (sample `j − 1` of the device's phase).
            func after(_ j: Int) -> Double { j == 0 ? request.state : min(max(path[offset + j - 1], 0), 1) }
            let whole = request.count.rounded(.down)
            let before = after(Int(whole))
            result[k] = whole == request.count ? before : before + (request.count - whole) * (after(Int(whole) + 1) - before)
        }
        return result
    }
}
