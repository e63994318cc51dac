import XCTest

@testable import PulseProp

final class SpiceEngineTests: XCTestCase {
    static let engine = try! SpiceEngine(circuit: CrossbarCircuit())
    var engine: SpiceEngine { Self.engine }

    func uniform(_ rows: Int, _ cols: Int, _ x: Double) -> Matrix<Double> {
        Matrix(rows: rows, cols: cols) { _, _ in x }
    }

    /// Devices with only one electrode pulsed see half the amplitude and stay put.
    func testHalfSelectedDevicesDoNotMove() throws {
        // Row 0 pulses in both phases; column 0 never; row 1 never, columns 1 and 2 pulse.
        let step = try TestSupport.step(rows: [10, 0], cols: [0, -10, 10])
        let result = try engine.run(step, from: uniform(2, 3, 0.5))
        for (i, j) in [(0, 0), (1, 0), (1, 1), (1, 2)] {
            XCTAssertLessThan(abs(result.finalState[i, j] - 0.5), 1e-9, "device (\(i),\(j)) moved")
        }
        XCTAssertGreaterThan(result.finalState[0, 1], 0.5)
        XCTAssertLessThan(result.finalState[0, 2], 0.5)
    }

    /// More coincidences move a device further, in the direction of its phase.
    func testMovementIsMonotonicInCoincidences() throws {
        let ks = [0, 1, 2, 4, 8]
        let step = try TestSupport.step(rows: ks, cols: [-8, 8])
        let result = try engine.run(step, from: uniform(ks.count, 2, 0.5))
        let up = (0..<ks.count).map { result.finalState[$0, 0] - 0.5 }
        let down = (0..<ks.count).map { result.finalState[$0, 1] - 0.5 }
        XCTAssertLessThan(abs(up[0]), 1e-9)
        XCTAssertLessThan(abs(down[0]), 1e-9)
        for k in 1..<ks.count {
            XCTAssertGreaterThan(up[k], up[k - 1], "potentiation not monotonic at k=\(ks[k])")
            XCTAssertLessThan(down[k], down[k - 1], "depression not monotonic at k=\(ks[k])")
        }
    }

    /// SPICE follows the exact solution of the device equation within its time-step error.
    func testAgreesWithClosedFormSolution() throws {
        try TestSupport.assertFollowsClosedForm(engine)
    }

    /// The exported netlist, run by the ngspice program, gives the shared library's states.
    func testCommandLineNgspiceAgreesWithSharedLibrary() throws {
        let inputs = try StepInputs.random(rows: 3, cols: 4, seed: 11, encoding: PulseEncoding(levels: 10))
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: PulseEncoding(levels: 10))
        let netlist = try engine.netlist(for: step, from: inputs.states)
        let result = try engine.simulate(netlist)
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("step.cir").path
        try AtomicFile.write(netlist.text, to: path)
        let program = try NgspiceProgram.finalStates(netlistAt: path, compiledModel: netlist.compiledModel)
        XCTAssertEqual(program.count, 12)
        for i in 0..<3 {
            for j in 0..<4 {
                XCTAssertEqual(program[netlist.deviceNames[i, j]]!, result.finalState[i, j], accuracy: 1e-6)
            }
        }
    }

    /// Wire resistance lowers the voltage reaching far devices, so they move less.
    func testWireResistanceWeakensFarDevices() throws {
        let step = try TestSupport.step(rows: [6, 6, 6, 6], cols: [-6, -6, -6, -6])
        let ideal = try engine.run(step, from: uniform(4, 4, 0.5))
        let wired = try SpiceEngine(circuit: CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 500, driverResistance: 200)))
        let result = try wired.run(step, from: uniform(4, 4, 0.5))
        let nearIdeal = ideal.finalState[0, 0] - 0.5
        XCTAssertEqual(ideal.finalState[3, 3] - 0.5, nearIdeal, accuracy: 1e-9)
        XCTAssertLessThan(result.finalState[0, 0] - 0.5, nearIdeal)
        XCTAssertLessThan(result.finalState[3, 3] - 0.5, result.finalState[0, 0] - 0.5)
        XCTAssertGreaterThan(result.finalState[3, 3], 0.5)
    }

    /// A netlist ngspice rejects is an error naming the problem, and the next step works.
    func testBrokenNetlistIsReportedAndEngineRecovers() throws {
        let broken = "* broken\nX1 a 0 no_such_subckt\nV1 a 0 1\n.tran 1n 10n\n.end\n"
        XCTAssertThrowsError(try engine.load(rawNetlist: broken)) { error in
            XCTAssertTrue(String(describing: error).contains("no_such_subckt"), "\(error)")
        }
        try testHalfSelectedDevicesDoNotMove()
    }

    /// After ngspice exits (ControlledExit), the engine reloads its library and carries on.
    func testControlledExitIsRecovered() throws {
        let fatal = "* fatal\nR1 a 0 {undefined_parameter}\nV1 a 0 1\n.tran 1n 10n\n.end\n"
        let reloads = engine.reloads
        XCTAssertThrowsError(try engine.load(rawNetlist: fatal)) { error in
            XCTAssertTrue(String(describing: error).contains("ngspice"), "\(error)")
        }
        XCTAssertEqual(engine.reloads, reloads + 1)
        try testMovementIsMonotonicInCoincidences()
    }

    /// Parallel instances give the same results as one instance in sequence.
    func testPoolMatchesSerialRuns() throws {
        let pool = try SpiceEnginePool(circuit: CrossbarCircuit(), instances: 2)
        let encoding = PulseEncoding(levels: 8)
        let jobs = try (0..<4).map { seed -> (step: LearningStep, states: Matrix<Double>) in
            let inputs = try StepInputs.random(rows: 3, cols: 3, seed: UInt64(seed), encoding: encoding)
            return (try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding), inputs.states)
        }
        let parallel = try pool.run(jobs)
        for (k, job) in jobs.enumerated() {
            XCTAssertEqual(parallel[k].finalState, try engine.run(job.step, from: job.states).finalState)
        }
    }

    /// 1000 consecutive steps of a 4×4 crossbar do not grow memory (measured from VmRSS).
    func testMemoryStaysFlatOverThousandSteps() throws {
        let encoding = PulseEncoding(levels: 4)
        let inputs = try StepInputs.random(rows: 4, cols: 4, seed: 5, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        var states = inputs.states
        for _ in 0..<100 { states = try engine.run(step, from: inputs.states).finalState }
        let before = TestSupport.residentKilobytes()
        for _ in 0..<900 { states = try engine.run(step, from: inputs.states).finalState }
        let after = TestSupport.residentKilobytes()
        print("memory over steps 100…1000 of a 4x4 crossbar: \(before) kB -> \(after) kB")
        XCTAssertLessThan(after - before, 4096, "resident memory grew by \(after - before) kB over 900 steps")
        XCTAssertEqual(states.rows, 4)
    }

    /// At the longest period the bound allows (10⁶ times the rise time), the transient still
    /// resolves every pulse: each device ends where it ends with the default 2 µs period.
    func testLongestAllowedPeriodResolvesThePulses() throws {
        var slow = CrossbarCircuit()
        slow.shape.period = PulseShape.largestPeriodRatio * slow.shape.edge
        let step = try TestSupport.step(rows: [5, 2], cols: [-3, 4])
        let states = Matrix([[0.3, 0.6], [0.5, 0.5]])
        let reference = try engine.run(step, from: states).finalState
        let result = try SpiceEngine(circuit: slow).run(step, from: states).finalState
        for (a, b) in zip(result.elements, reference.elements) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertNotEqual(reference, states)
    }
}
