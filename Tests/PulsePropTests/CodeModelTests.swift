import XCTest

@testable import PulseProp

/// The compiled XSPICE memristor (`codemodels/threshold_memristor`, built by
/// `scripts/build-codemodel`) against the B-source subcircuit it replaces, and the engine's
/// choice between them.
final class CodeModelTests: XCTestCase {
    func engine(_ circuit: CrossbarCircuit = CrossbarCircuit(), _ model: SpiceModelChoice, energy: Bool = false) throws -> SpiceEngine {
        try SpiceEngine(circuit: circuit, measureEnergy: energy, model: model)
    }

    /// Final states agree within 1e-6 of the state range on random steps of several sizes,
    /// with and without wires; the energies agree too.
    func testCompiledAgreesWithBehavioralOnRandomSteps() throws {
        let wirings = [CrossbarWiring.ideal, CrossbarWiring(segmentResistance: 20, driverResistance: 100)]
        for (k, (rows, cols)) in [(3, 5), (8, 8), (12, 10)].enumerated() {
            for wiring in wirings {
                let circuit = CrossbarCircuit(wiring: wiring)
                let encoding = PulseEncoding(levels: 20)
                let inputs = try StepInputs.random(rows: rows, cols: cols, seed: UInt64(40 + k), encoding: encoding)
                let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
                let compiled = try engine(circuit, .compiled, energy: true)
                XCTAssertNotNil(compiled.codeModel)
                let a = try compiled.run(step, from: inputs.states)
                let b = try engine(circuit, .behavioral, energy: true).run(step, from: inputs.states)
                let worst = zip(a.finalState.elements, b.finalState.elements).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(worst, 1e-6, "\(rows)x\(cols), \(wiring): states differ by \(worst)")
                let moved = zip(b.finalState.elements, inputs.states.elements).map { abs($0 - $1) }.max()!
                XCTAssertGreaterThan(moved, 1e-3, "the step should move some device")
                // Scaled energy integrators do not move the time points: states are those of
                // the same step without them.
                let plain = try engine(circuit, .behavioral).run(step, from: inputs.states)
                let shift = zip(plain.finalState.elements, b.finalState.elements).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(shift, 1e-12, "\(rows)x\(cols): measuring energy moved states by \(shift)")
                let (ea, eb) = (try XCTUnwrap(a.energy), try XCTUnwrap(b.energy))
                XCTAssertEqual(ea.deviceTotal, eb.deviceTotal, accuracy: 1e-6 * eb.deviceTotal)
                XCTAssertEqual(ea.driverTotal, eb.driverTotal, accuracy: 1e-6 * eb.driverTotal)
            }
        }
    }

    /// Both forms follow the closed-form solution of the device equation (α = 1).
    func testBothFormsAgreeWithClosedForm() throws {
        let compiled = try engine(CrossbarCircuit(), .compiled)
        XCTAssertNotNil(compiled.codeModel)
        try TestSupport.assertFollowsClosedForm(compiled)
        try TestSupport.assertFollowsClosedForm(engine(CrossbarCircuit(), .behavioral))
    }

    /// Without a `.cm`, auto falls back to the B-source subcircuit and compiled is an error.
    func testMissingCodeModelFallsBackOrFails() throws {
        let missing = "/nonexistent/pulseprop.cm"
        let auto = try SpiceEngine(circuit: CrossbarCircuit(), model: .auto, codeModelPath: missing)
        XCTAssertNil(auto.codeModel)
        let step = try TestSupport.step(rows: [4], cols: [-4])
        XCTAssertGreaterThan(try auto.run(step, from: Matrix([[0.5]])).finalState[0, 0], 0.5)
        XCTAssertThrowsError(try SpiceEngine(circuit: CrossbarCircuit(), model: .compiled, codeModelPath: missing)) {
            XCTAssertTrue("\($0)".contains("no code model at \(missing)"), "\($0)")
        }
    }

    /// A `.cm` recorded for another ngspice build is refused before it is loaded.
    func testCodeModelForAnotherNgspiceIsRefused() throws {
        let built = try CodeModel()
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("pulseprop.cm").path
        try FileManager.default.copyItem(atPath: built.path, toPath: copy)
        try "ngspice-1 Mon Jan  1 00:00:00 UTC 2001\n".write(toFile: copy + ".version", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SpiceEngine(circuit: CrossbarCircuit(), model: .compiled, codeModelPath: copy)) {
            XCTAssertTrue("\($0)".contains("was built for ngspice-1"), "\($0)")
        }
        XCTAssertNil(try SpiceEngine(circuit: CrossbarCircuit(), model: .auto, codeModelPath: copy).codeModel)
    }

    /// Two library copies in one process each load a private copy of the `.cm` and run in
    /// parallel with the same results as one engine in sequence.
    func testParallelCompiledEnginesMatchSequentialRuns() throws {
        let pool = try SpiceEnginePool(circuit: CrossbarCircuit(), instances: 2, model: .compiled)
        let encoding = PulseEncoding(levels: 10)
        let jobs = try (0..<6).map { seed -> (step: LearningStep, states: Matrix<Double>) in
            let inputs = try StepInputs.random(rows: 5, cols: 4, seed: UInt64(seed), encoding: encoding)
            return (try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding), inputs.states)
        }
        let parallel = try pool.run(jobs)
        let single = try engine(CrossbarCircuit(), .compiled)
        for (k, job) in jobs.enumerated() {
            XCTAssertEqual(parallel[k].finalState, try single.run(job.step, from: job.states).finalState)
        }
    }

    /// `pulseprop netlist --spice-model compiled` names the `.cm` it needs and runs in
    /// `ngspice -b` with a `.spiceinit` that loads it; the default export has no A devices.
    func testCompiledExportNamesItsCodeModelAndRuns() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compiled = dir.appendingPathComponent("compiled.cir").path
        let portable = dir.appendingPathComponent("portable.cir").path
        let common = ["netlist", "--rows", "3", "--cols", "3", "--levels", "8", "--seed", "2"]
        let run = try TestSupport.runCLI(common + ["--spice-model", "compiled", "--output", compiled])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try TestSupport.runCLI(common + ["--output", portable]).status, 0)
        let model = try CodeModel()
        let text = try String(contentsOfFile: compiled, encoding: .utf8)
        XCTAssertTrue(text.contains("NEEDS \(model.path)"))
        XCTAssertFalse(try String(contentsOfFile: portable, encoding: .utf8).contains(CodeModel.modelType))
        let a = try NgspiceProgram.finalStates(netlistAt: compiled, codeModel: model)
        let b = try NgspiceProgram.finalStates(netlistAt: portable)
        XCTAssertEqual(a.count, 9)
        for (name, x) in b { XCTAssertEqual(a[name]!, x, accuracy: 1e-6, name) }
    }
}
