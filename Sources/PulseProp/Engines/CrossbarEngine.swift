/// Something that applies one learning step to a crossbar's devices and reports the result.
///
/// ``SpiceEngine`` simulates the circuit in ngspice; the analytic engine computes the same
/// step from a calibrated per-pulse response. A training loop talks to either through this
/// protocol only, so the two can be swapped by a flag or run side by side.
public protocol CrossbarEngine: AnyObject {
    /// The crossbar's devices, pulses and wires.
    var circuit: CrossbarCircuit { get }

    /// Cycle-to-cycle variation of every written device (nil: none). Both engines draw the
    /// same factors in the same order (``CycleToCycleNoise/factors(for:)``), so one seed gives
    /// the same noise in SPICE and in the analytic engine.
    var cycleNoise: CycleToCycleNoise? { get set }

    /// Applies both learning phases of `step` to devices starting at `states` (R×C, each in
    /// `[0, 1]`) and returns every device's final state and conductance change.
    func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult

    /// Applies `step` to `states` in place (engines that can avoid copies override this) and
    /// returns the step's energy when the engine knows it.
    @discardableResult
    func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws -> StepEnergy?

    /// Programs `pulses[i, j]` potentiation pulses into device `(i, j)` of the crossbar
    /// holding `states`, row by row with half-selected devices, and reports the pulses,
    /// disturbed devices and energy (default: ``CrossbarProgramming`` row steps through
    /// ``apply(_:to:)``).
    func program(_ pulses: Matrix<Int>, to states: inout Matrix<Double>) throws -> ProgramReport
}

extension CrossbarEngine {
    @discardableResult
    public func apply(_ step: LearningStep, to states: inout Matrix<Double>) throws -> StepEnergy? {
        let result = try run(step, from: states)
        states = result.finalState
        return result.energy
    }
}

/// Energy of one learning step per phase, joules.
public struct StepEnergy: Codable, Equatable, Sendable {
    /// Energy dissipated in all devices during phase 1 and phase 2.
    public var devices: [Double]
    /// Energy delivered by all row and column drivers during phase 1 and phase 2 (devices
    /// plus wire and driver resistances).
    public var drivers: [Double]

    /// Creates a record.
    public init(devices: [Double], drivers: [Double]) {
        self.devices = devices
        self.drivers = drivers
    }

    /// Device energy of both phases.
    public var deviceTotal: Double { devices.reduce(0, +) }
    /// Driver energy of both phases.
    public var driverTotal: Double { drivers.reduce(0, +) }
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
    /// Energy per phase, when the engine measured or estimated it.
    public var energy: StepEnergy?

    /// Creates a result from states, converting them to conductance with each device of
    /// `devices`.
    public init(initialState: Matrix<Double>, finalState: Matrix<Double>, devices: DevicePopulation, energy: StepEnergy? = nil) {
        self.energy = energy
        self.initialState = initialState
        self.finalState = finalState
        initialConductance = Matrix(rows: initialState.rows, cols: initialState.cols) {
            devices.conductance(state: initialState[$0, $1], row: $0, col: $1)
        }
        finalConductance = Matrix(rows: finalState.rows, cols: finalState.cols) {
            devices.conductance(state: finalState[$0, $1], row: $0, col: $1)
        }
    }

    /// Creates a result from states and conductances already known (a tiled step's, put
    /// together by ``init(tiles:)``).
    init(
        initialState: Matrix<Double>, finalState: Matrix<Double>, initialConductance: Matrix<Double>,
        finalConductance: Matrix<Double>, energy: StepEnergy?
    ) {
        (self.initialState, self.finalState, self.energy) = (initialState, finalState, energy)
        (self.initialConductance, self.finalConductance) = (initialConductance, finalConductance)
    }

    /// The smallest state change counted as a change (a fraction of the conductance range;
    /// 0.09 fS for the default device): transients leave half-selected devices within
    /// ≈ 1e-15 of their start (1e-13 µS was seen), which is numerical noise, not a write.
    public static let changeThreshold = 1e-9

    /// `G_final − G_initial` per device, siemens.
    public var deltaConductance: Matrix<Double> {
        Matrix(rows: finalConductance.rows, cols: finalConductance.cols) {
            finalConductance[$0, $1] - initialConductance[$0, $1]
        }
    }
}
