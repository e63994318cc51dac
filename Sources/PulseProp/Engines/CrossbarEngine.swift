/// Something that applies one learning step to a crossbar's devices and reports the result.
///
/// ``SpiceEngine`` simulates the circuit in ngspice; the analytic engine computes the same
/// step from a calibrated per-pulse response. A training loop talks to either through this
/// protocol only, so the two can be swapped by a flag or run side by side.
public protocol CrossbarEngine: AnyObject {
    /// The crossbar's devices, pulses and wires.
    var circuit: CrossbarCircuit { get }

    /// Applies both learning phases of `step` to devices starting at `states` (R×C, each in
    /// `[0, 1]`) and returns every device's final state and conductance change.
    func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult

    /// Applies `step` to `states` in place (engines that can avoid copies override this).
    func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws
}

extension CrossbarEngine {
    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws {
        states = try run(step, from: states).finalState
    }
}

/// Every device's state and conductance before and after one learning step.
public struct CrossbarStepResult: Codable, Equatable, Sendable {
    /// States before the step.
    public let initialState: Matrix<Double>
    /// States after both phases.
    public let finalState: Matrix<Double>
    /// Conductances before the step, siemens.
    public let initialConductance: Matrix<Double>
    /// Conductances after both phases, siemens.
    public let finalConductance: Matrix<Double>

    /// Creates a result from states, converting them to conductance with `device`.
    public init(initialState: Matrix<Double>, finalState: Matrix<Double>, device: ThresholdMemristor) {
        self.initialState = initialState
        self.finalState = finalState
        initialConductance = initialState.map(device.conductance(state:))
        finalConductance = finalState.map(device.conductance(state:))
    }

    /// `G_final − G_initial` per device, siemens.
    public var deltaConductance: Matrix<Double> {
        Matrix(rows: finalConductance.rows, cols: finalConductance.cols) {
            finalConductance[$0, $1] - initialConductance[$0, $1]
        }
    }
}
