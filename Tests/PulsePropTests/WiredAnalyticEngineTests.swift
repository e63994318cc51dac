import Foundation
import XCTest

@testable import PulseProp

/// The wire-aware analytic write (``WiredAnalyticEngine``) without ngspice: ideal wiring is the
/// wire-free engine bit for bit, a 1×1 crossbar moves by the amplitude table at the voltage
/// divider's voltage, and a calibration without an amplitude axis is refused.
final class WiredAnalyticEngineTests: XCTestCase {
    /// Random steps at 0 Ω, with and without variation and cycle-to-cycle noise, through `run`
    /// and `apply`: the same states and energy as ``AnalyticEngine``, bit for bit.
    func testIdealWiringIsTheWireFreeEngineBitForBit() throws {
        let variation = DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 7)
        for (rows, cols, varied, noisy) in [(6, 6, false, false), (12, 8, true, false), (9, 5, true, true)] {
            let circuit = CrossbarCircuit(variation: varied ? variation : .none)
            let calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit)
            let plain = try AnalyticEngine(circuit: circuit, calibration: calibration)
            let wired = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
            XCTAssertTrue(wired.delegates)
            plain.estimatesEnergy = true
            wired.estimatesEnergy = true
            if noisy {
                plain.cycleNoise = CycleToCycleNoise(sigma: 0.3, seed: 4)
                wired.cycleNoise = CycleToCycleNoise(sigma: 0.3, seed: 4)
            }
            let encoding = PulseEncoding(levels: 20)
            for seed in 1...3 as ClosedRange<UInt64> {
                let inputs = try StepInputs.random(rows: rows, cols: cols, seed: seed, encoding: encoding)
                let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
                XCTAssertEqual(try wired.run(step, from: inputs.states), try plain.run(step, from: inputs.states))
                var a = inputs.states, b = inputs.states
                XCTAssertEqual(try wired.apply(step, to: &a), try plain.apply(step, to: &b))
                XCTAssertEqual(a.elements, b.elements)
            }
        }
        XCTAssertTrue(try CrossbarHardware().makeEngine(.analytic) is AnalyticEngine)
        XCTAssertTrue(
            try CrossbarHardware(circuit: CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 5, driverResistance: 0)))
                .makeEngine(.analytic) is WiredAnalyticEngine)
    }

    /// A 1×1 crossbar with driver resistance `R_d` and segment resistance `R_s`: row source
    /// `+u/2`, column source `−u/2`, each behind `R_d + R_s`, so the device sees the divider's
    /// `v = u / (1 + 2·G·(R_d + R_s))`. One potentiation slot moves the device to the amplitude
    /// table's state at `v`; a following depression slot sees the new conductance. The energy
    /// is `G·v²·τ` in the device and `u·I·τ` from the drivers.
    func testOneByOneCrossbarMovesByTheTableAtTheDividerVoltage() throws {
        let (rd, rs) = (300.0, 200.0)
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: rs, driverResistance: rd))
        let calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit, needsAmplitudeAxis: true)
        let engine = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
        engine.estimatesEnergy = true
        let table = AmplitudeResponseTable(calibration)
        let device = circuit.population(rows: 1, cols: 1)
        let u = circuit.shape.amplitude(of: .potentiation)
        let tau = circuit.shape.plateau + 2 * circuit.shape.edge / 3
        for x0 in [0.1, 0.5, 0.9] {
            let g = device.conductance(state: x0, row: 0, col: 0)
            let v = u / (1 + 2 * g * (rd + rs))
            XCTAssertLessThan(v, u * 0.995)  // a real drop
            XCTAssertGreaterThan(v, 1.0)  // above the threshold: it moves
            let up = try LearningStep(rowCounts: [1], columnCounts: [-1], slotsPerPhase: 1)
            let result = try engine.run(up, from: Matrix(rows: 1, cols: 1) { _, _ in x0 })
            let expected = table.state(afterPulseOf: .potentiation, amplitude: v, from: x0)
            XCTAssertEqual(result.finalState[0, 0], expected, accuracy: 1e-10)
            XCTAssertGreaterThan(expected, x0)
            let energy = try XCTUnwrap(result.energy)
            let scale: Double = 1e-9 * g * u * u * tau
            let deviceEnergy: Double = g * v * v * tau
            let driverEnergy: Double = u * (u - v) / (2 * (rd + rs)) * tau
            XCTAssertEqual(energy.devices[0], deviceEnergy, accuracy: scale)
            XCTAssertEqual(energy.drivers[0], driverEnergy, accuracy: scale)

            let down = try LearningStep(rowCounts: [1], columnCounts: [1], slotsPerPhase: 1)
            let x1 = expected
            let g1 = device.conductance(state: x1, row: 0, col: 0)
            let w = circuit.shape.amplitude(of: .depression) / (1 + 2 * g1 * (rd + rs))
            let after = try engine.run(down, from: Matrix(rows: 1, cols: 1) { _, _ in x1 })
            XCTAssertEqual(after.finalState[0, 0], table.state(afterPulseOf: .depression, amplitude: w, from: x1), accuracy: 1e-10)
        }
    }

    /// With wires, a calibration without an amplitude axis is refused by the engine and by the
    /// hardware, with the typed error naming the file.
    func testWiresRefuseACalibrationWithoutAnAmplitudeAxis() throws {
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 5, driverResistance: 0))
        var calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit)
        calibration.amplitudeAxis = nil
        XCTAssertThrowsError(try WiredAnalyticEngine(circuit: circuit, calibration: calibration, calibrationName: "old.json")) { error in
            guard case CalibrationError.noAmplitudeAxis(let file, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "old.json")
        }
        // Ideal wiring needs no axis.
        XCTAssertNoThrow(try WiredAnalyticEngine(circuit: CrossbarCircuit(), calibration: calibration))

        // The hardware (what train, demo and validate build) names the file.
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("nominal-only.json").path
        try calibration.json().write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try CrossbarHardware(circuit: circuit, calibrationPath: file).makeEngine(.analytic)) { error in
            guard case CalibrationError.noAmplitudeAxis(let named, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(named, file)
        }
        XCTAssertTrue(try CrossbarHardware(calibrationPath: file).makeEngine(.analytic) is AnalyticEngine)
    }

    /// Half-selected devices with wires see at most half the amplitude, below the threshold,
    /// so a wired step moves no device without coincidences; written devices move less than
    /// without wires.
    func testWiredStepMovesOnlyCoincidentDevicesAndLessThanWithoutWires() throws {
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50))
        let calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit, needsAmplitudeAxis: true)
        let engine = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 12, cols: 8, seed: 3, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let wired = try engine.run(step, from: inputs.states)
        let free = try engine.wireFree.run(step, from: inputs.states)
        let k = step.coincidenceMatrix.elements
        for n in k.indices {
            let moved = abs(wired.finalState.elements[n] - inputs.states.elements[n])
            if k[n] == 0 {
                XCTAssertEqual(moved, 0)
            } else {
                XCTAssertLessThanOrEqual(moved, abs(free.finalState.elements[n] - inputs.states.elements[n]) + 1e-9)
            }
        }
    }

    /// The solvers and their policies change only where the iterations start and stop, within
    /// CG's tolerance: the line solver warm-started or not; CHOLMOD's stale factor
    /// warm-started or not, refactoring at each step's start or not, a simplicial or
    /// supernodal factor: a run of steps reaches the states of a fresh network refactored at every slot
    /// (``CrossbarNetwork/update(conductances:refactor:)`` with `refactor: true`) to 1e-9.
    func testSolverPoliciesAgreeWithRefactoringEverySlot() throws {
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 2, driverResistance: 10))
        let calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit, needsAmplitudeAxis: true)
        let encoding = PulseEncoding(levels: 10)
        let inputs = try (1...3).map { try StepInputs.random(rows: 24, cols: 9, seed: UInt64($0), encoding: encoding) }
        let steps = try inputs.map { try LearningStep(x: $0.x, delta: $0.delta, encoding: encoding) }
        // Reference: every slot solved on a factor of its own conductances.
        let table = AmplitudeResponseTable(calibration)
        let devices = circuit.population(rows: 24, cols: 9)
        var reference = inputs[0].states
        let network = try CrossbarNetwork(wiring: circuit.wiring, conductances: devices.conductances(reference))
        for step in steps {
            for drive in LineDrive.slots(of: step, shape: circuit.shape) {
                try network.update(conductances: devices.conductances(reference))
                let v = try network.deviceVoltages(drive)
                for n in reference.elements.indices where v.elements[n] != 0 {
                    let kind: LearningPhase.Kind = v.elements[n] > 0 ? .potentiation : .depression
                    reference.elements[n] = table.state(afterPulseOf: kind, amplitude: abs(v.elements[n]), from: reference.elements[n])
                }
            }
        }
        let slots = steps.map { step in LineDrive.slots(of: step, shape: circuit.shape).filter { $0.rows.contains { $0 != 0 } || $0.columns.contains { $0 != 0 } }.count }
        let policies: [(WiredWriteSolver, Bool, Bool, Bool)] = [
            (.lines, true, true, true), (.lines, false, true, true),
            (.cholesky, true, true, true), (.cholesky, true, false, true), (.cholesky, false, true, true), (.cholesky, true, true, false),
        ]
        for (solver, warm, eachStep, simplicial) in policies {
            let engine = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
            (engine.writeSolver, engine.warmStarts, engine.refactorsEachStep, engine.simplicialSolves) = (solver, warm, eachStep, simplicial)
            var states = inputs[0].states
            for step in steps { try engine.apply(step, to: &states) }
            let counts = try XCTUnwrap(engine.solverCounts)
            let label = "\(solver), warm \(warm), each step \(eachStep), simplicial \(simplicial)"
            if solver == .lines {
                XCTAssertEqual(counts.factorizations, 1 + slots.reduce(0, +), "the lines are factored at every slot: \(label)")
            } else {
                XCTAssertEqual(counts.factorizations, eachStep ? 1 + steps.count : 1, "no CG solve needed a refactor: \(label)")
            }
            XCTAssertGreaterThan(counts.cgIterations, 0)
            for (a, b) in zip(states.elements, reference.elements) { XCTAssertEqual(a, b, accuracy: 1e-9, label) }
        }
    }
}
