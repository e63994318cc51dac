import XCTest

@testable import PulseProp

/// The compiled memristor (OSDI from `codemodels/verilog-a` on ngspice ≥ 42; the XSPICE code
/// model of `codemodels/threshold_memristor` on 39.3) against the B-source subcircuit it
/// replaces, the engine's choice between them, and the solvers.
final class CompiledModelTests: XCTestCase {
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
                XCTAssertNotNil(compiled.compiledModel)
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

    /// Varied and stuck devices (a stuck device's rates are 0, which the Verilog-A module's
    /// parameter ranges admit): the compiled model runs them, stuck devices stay where they are
    /// stuck, and the rest agree with the B-source form within 1e-6 of the state range.
    func testCompiledRunsVariedAndStuckDevices() throws {
        let variation = DeviceVariation(d2d: 0.1, stuckOn: 0.15, stuckOff: 0.15, seed: 5)
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 2, driverResistance: 50), variation: variation)
        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 5, cols: 5, seed: 7, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let compiled = try engine(circuit, .compiled)
        XCTAssertNotNil(compiled.compiledModel)
        let a = try compiled.run(step, from: inputs.states)
        let b = try engine(circuit, .behavioral).run(step, from: inputs.states)
        let devices = circuit.population(rows: 5, cols: 5)
        var stuck = 0
        for i in 0..<5 {
            for j in 0..<5 {
                XCTAssertEqual(a.finalState[i, j], b.finalState[i, j], accuracy: 1e-6, "x\(i)_\(j)")
                if let state = devices.instance(i, j)?.stuckState {
                    XCTAssertEqual(a.finalState[i, j], state, "stuck x\(i)_\(j)")
                    stuck += 1
                }
            }
        }
        XCTAssertGreaterThan(stuck, 0, "the variation sticks some device")
    }

    /// Both forms follow the closed-form solution of the device equation (α = 1).
    func testBothFormsAgreeWithClosedForm() throws {
        let compiled = try engine(CrossbarCircuit(), .compiled)
        XCTAssertNotNil(compiled.compiledModel)
        try TestSupport.assertFollowsClosedForm(compiled)
        try TestSupport.assertFollowsClosedForm(engine(CrossbarCircuit(), .behavioral))
    }

    /// Every preset, with wires: the compiled model's final states equal the B-source
    /// subcircuit's within 1e-6 of the state range on random steps.
    func testCompiledAgreesWithBehavioralForEveryPresetWithWires() throws {
        let encoding = PulseEncoding(levels: 20)
        for (k, preset) in DevicePreset.all.enumerated() {
            let circuit = CrossbarCircuit(
                device: preset.device, wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50))
            let inputs = try StepInputs.random(rows: 6, cols: 5, seed: UInt64(70 + k), encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            let compiled = try engine(circuit, .compiled)
            XCTAssertNotNil(compiled.compiledModel)
            let a = try compiled.run(step, from: inputs.states).finalState
            let b = try engine(circuit, .behavioral).run(step, from: inputs.states).finalState
            let worst = zip(a.elements, b.elements).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(worst, 1e-6, "\(preset.name): states differ by \(worst)")
            let moved = zip(b.elements, inputs.states.elements).map { abs($0 - $1) }.max()!
            XCTAssertGreaterThan(moved, 1e-4, "\(preset.name): the step should move some device")
        }
    }

    /// On an ngspice with OSDI the compiled model is Verilog-A; without the compiler, auto falls
    /// back to the B-source subcircuit and compiled is an error that names the compiler.
    func testMissingCompilerFallsBackOrFails() throws {
        let probe = try engine(CrossbarCircuit(), .behavioral)
        try XCTSkipUnless(probe.capabilities.hasOSDI, "this ngspice (\(probe.capabilities.version)) has no OSDI")
        guard case .osdi(let model)? = try engine(CrossbarCircuit(), .compiled).compiledModel else {
            return XCTFail("ngspice with OSDI should load the OSDI model")
        }
        XCTAssertTrue(model.path.hasSuffix(".osdi"))
        let missing = "/nonexistent/openvaf-r"
        let auto = try SpiceEngine(circuit: CrossbarCircuit(), model: .auto, compilerPath: missing)
        XCTAssertNil(auto.compiledModel)
        let step = try TestSupport.step(rows: [4], cols: [-4])
        XCTAssertGreaterThan(try auto.run(step, from: Matrix([[0.5]])).finalState[0, 0], 0.5)
        XCTAssertThrowsError(try SpiceEngine(circuit: CrossbarCircuit(), model: .compiled, compilerPath: missing)) {
            XCTAssertEqual($0 as? CompiledModelError, .compilerMissing(searched: [missing]))
            XCTAssertTrue("\($0)".contains("scripts/install-deps"), "\($0)")
        }
    }

    /// Without OSDI (ngspice 39.3), a `.cm` recorded for another ngspice build is refused before
    /// it is loaded; a missing one is named with what builds it.
    func testCodeModelForAnotherNgspiceIsRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("pulseprop.cm").path
        try "not a shared object".write(toFile: copy, atomically: true, encoding: .utf8)
        try "ngspice-1 Mon Jan  1 00:00:00 UTC 2001\n".write(toFile: copy + ".version", atomically: true, encoding: .utf8)
        let old = NgspiceCapabilities(version: "ngspice-39", build: "ngspice-39 Tue Mar  7 2023", hasKLU: false, hasOSDI: false)
        XCTAssertThrowsError(try CompiledDeviceModel.resolve(.compiled, capabilities: old, codeModelPath: copy)) {
            XCTAssertEqual(
                $0 as? CompiledModelError,
                .codeModelForAnotherBuild(path: copy, builtFor: "ngspice-1 Mon Jan  1 00:00:00 UTC 2001", library: old.build))
        }
        XCTAssertNil(try CompiledDeviceModel.resolve(.auto, capabilities: old, codeModelPath: copy))
        let missing = dir.appendingPathComponent("none.cm").path
        XCTAssertThrowsError(try CompiledDeviceModel.resolve(.compiled, capabilities: old, codeModelPath: missing)) {
            XCTAssertTrue("\($0)".contains("no code model at \(missing) (build it with scripts/build-codemodel)"), "\($0)")
        }
    }

    /// Two library copies in one process each load a private copy of the compiled model and
    /// run in parallel with the same results as one engine in sequence.
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

    /// `pulseprop netlist --spice-model compiled` writes the model's `.va` and `.osdi` beside the
    /// netlist, which loads it by a relative `pre_osdi` line and runs in `ngspice -b` as it is,
    /// from another folder; the default export has no compiled devices.
    func testCompiledExportShipsItsModelAndRuns() throws {
        let probe = try engine(CrossbarCircuit(), .behavioral)
        try XCTSkipUnless(probe.capabilities.hasOSDI, "this ngspice (\(probe.capabilities.version)) has no OSDI")
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compiled = dir.appendingPathComponent("compiled.cir").path
        let portable = dir.appendingPathComponent("portable.cir").path
        let common = ["netlist", "--rows", "3", "--cols", "3", "--levels", "8", "--seed", "2", "--wire-resistance", "10"]
        let run = try TestSupport.runCLI(common + ["--spice-model", "compiled", "--output", compiled])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try TestSupport.runCLI(common + ["--output", portable]).status, 0)
        let text = try String(contentsOfFile: compiled, encoding: .utf8)
        XCTAssertTrue(text.contains("pre_osdi pp_threshold_memristor.osdi"), text)
        XCTAssertTrue(text.contains(".options klu"), text)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pp_threshold_memristor.va").path))
        XCTAssertEqual(
            try String(contentsOf: dir.appendingPathComponent("pp_threshold_memristor.va"), encoding: .utf8),
            try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("codemodels/verilog-a/pp_threshold_memristor.va"), encoding: .utf8))
        XCTAssertFalse(try String(contentsOfFile: portable, encoding: .utf8).contains(OSDIModel.thresholdModule))
        let a = try NgspiceProgram.finalStates(netlistAt: compiled)
        let b = try NgspiceProgram.finalStates(netlistAt: portable)
        XCTAssertEqual(a.count, 9)
        for (name, x) in b { XCTAssertEqual(a[name]!, x, accuracy: 1e-6, name) }
    }

    /// KLU and Sparse 1.3 solve the same equations: final states within 1e-9 of the state range
    /// on random wired steps, both device forms; the engine reports the solver it used.
    func testKLUAndSparseGiveTheSameStates() throws {
        let probe = try engine(CrossbarCircuit(), .behavioral)
        try XCTSkipUnless(probe.capabilities.hasKLU, "this ngspice (\(probe.capabilities.version)) has no KLU")
        XCTAssertEqual(probe.solver, .klu, "auto should choose KLU where the library has it")
        let encoding = PulseEncoding(levels: 20)
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 100))
        for model in [SpiceModelChoice.compiled, .behavioral] {
            let klu = try SpiceEngine(circuit: circuit, model: model, solver: .klu)
            let sparse = try SpiceEngine(circuit: circuit, model: model, solver: .sparse)
            XCTAssertEqual(sparse.solver, .sparse)
            for seed in 0..<2 {
                let inputs = try StepInputs.random(rows: 8, cols: 6, seed: UInt64(90 + seed), encoding: encoding)
                let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
                let a = try klu.run(step, from: inputs.states).finalState
                let b = try sparse.run(step, from: inputs.states).finalState
                let worst = zip(a.elements, b.elements).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(worst, 1e-9, "\(model), seed \(seed): KLU and Sparse differ by \(worst)")
            }
        }
    }

    /// `--solver klu` on an ngspice without KLU names the capability and what installs it.
    func testKLUWithoutTheCapabilityIsRefusedByName() throws {
        let old = NgspiceCapabilities(version: "ngspice-39", build: "ngspice-39 x", hasKLU: false, hasOSDI: false)
        XCTAssertEqual(try SpiceSolver.auto.resolved(for: old), .sparse)
        XCTAssertThrowsError(try SpiceSolver.klu.resolved(for: old)) {
            XCTAssertEqual("\($0)", "ngspice-39 has no KLU; \(NgspiceCapability.klu.remedy)")
        }
    }
}
