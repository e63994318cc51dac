import Foundation
import XCTest

@testable import PulseProp

/// Circuit-in-the-loop training: co-simulation, disturb, energy, SPICE reads and the demo.
final class CircuitTrainingTests: XCTestCase {
    /// The built-in preset on a few examples (one epoch, every step in ngspice).
    private func tinyRun(engine: EngineKind, compare: Bool, wiring: CrossbarWiring = .ideal) throws -> CircuitTraining {
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        let (train, test) = BuiltinTask.split(seed: 3, train: 6, test: 4)
        let hardware = CrossbarHardware(circuit: CrossbarCircuit(wiring: wiring), engine: engine)
        return try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: compare)
    }

    /// SPICE drives, the analytic engine shadows every step from the same states: every
    /// written device moves the same way in both, and the two runs end close together.
    func testCoSimulatedTrainingMovesLikeTheAnalyticEngine() throws {
        let spice = try tinyRun(engine: .spice, compare: true)
        let stats = try spice.run.run().last!.circuit!
        XCTAssertGreaterThan(stats.coincidentPulses, 0)
        XCTAssertFalse(spice.monitor.pairs.isEmpty)
        for pair in spice.monitor.pairs {
            XCTAssertEqual(pair.engine > 0, pair.analytic > 0, "step \(pair.step) layer \(pair.layer)")
            XCTAssertNotEqual(pair.engine, 0)
        }
        XCTAssertEqual(stats.directionAgreement, 1)
        XCTAssertLessThan(stats.deltaGRMSDifference, 0.01)

        let analytic = try tinyRun(engine: .analytic, compare: false)
        let initial = analytic.updater.states[0].elements
        try analytic.run.run()
        let a = analytic.updater.states[0].elements
        let s = spice.updater.states[0].elements
        let moved = zip(a, initial).map { abs($0.0 - $0.1) }.max()!
        XCTAssertGreaterThan(moved, 0.005)
        XCTAssertLessThan(zip(a, s).map { abs($0.0 - $0.1) }.max()!, 0.2 * moved)
    }

    /// The two crossbars' steps of each example run concurrently by default; training is
    /// bit-identical to running them in turn (states, weights, log and monitor figures).
    func testConcurrentLayerStepsTrainBitIdentically() throws {
        func run(concurrent: Bool) throws -> (CircuitTraining, [BackpropEpoch]) {
            var c = BackpropConfiguration.builtinTask
            c.epochs = 1
            let (train, test) = BuiltinTask.split(seed: 5, train: 8, test: 4)
            var hardware = CrossbarHardware(
                circuit: CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 10, driverResistance: 0)), engine: .spice)
            hardware.concurrentLayers = concurrent
            let training = try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: true)
            XCTAssertEqual(training.updater.runsLayersConcurrently, concurrent)
            return (training, try training.run.run())
        }
        let (parallel, parallelLog) = try run(concurrent: true)
        let (sequential, sequentialLog) = try run(concurrent: false)
        XCTAssertGreaterThan(parallel.updater.stepsApplied, 8)
        XCTAssertEqual(parallel.updater.states[0], sequential.updater.states[0])
        XCTAssertEqual(parallel.updater.states[1], sequential.updater.states[1])
        XCTAssertEqual(parallel.run.checkpoint.network.layers[0].values, sequential.run.checkpoint.network.layers[0].values)
        XCTAssertEqual(parallel.run.checkpoint.network.layers[1].values, sequential.run.checkpoint.network.layers[1].values)
        XCTAssertEqual(try parallel.divergenceCSV(), try sequential.divergenceCSV())
        XCTAssertEqual(try parallel.deltaGCSV(), try sequential.deltaGCSV())
        XCTAssertEqual(parallelLog.map(\.testError), sequentialLog.map(\.testError))
        XCTAssertEqual(
            parallelLog.last!.circuit!.deviceEnergy, sequentialLog.last!.circuit!.deviceEnergy)
    }

    /// `--reltol` (``CrossbarHardware/spiceRelativeTolerance``) reaches every SPICE engine the
    /// hardware makes for training, and none is set without it (ngspice's default).
    func testSpiceToleranceReachesTheTrainingEngines() throws {
        var hardware = CrossbarHardware(circuit: CrossbarCircuit(), engine: .spice)
        XCTAssertNil(try XCTUnwrap(hardware.makeEngine() as? SpiceEngine).relativeTolerance)
        hardware.spiceRelativeTolerance = 1e-6
        let tight = try XCTUnwrap(hardware.makeEngine() as? SpiceEngine)
        XCTAssertEqual(tight.relativeTolerance, 1e-6)
        XCTAssertTrue(tight.simulatorDescription.hasSuffix(" reltol=1e-06"))
    }

    /// With ideal wires a half-selected device sees at most half the amplitude, below both
    /// thresholds, so no unwritten device moves; the monitor does count one that did.
    func testNoDisturbWithIdealWiresAndTheCounterWorks() throws {
        let spice = try tinyRun(engine: .spice, compare: false)
        let stats = try spice.run.run().last!.circuit!
        XCTAssertGreaterThan(stats.pulsesSent, 0)
        XCTAssertGreaterThan(stats.coincidentPulses, 0)
        XCTAssertEqual(stats.disturbedDevices, 0)

        let monitor = try CircuitMonitor(circuit: CrossbarCircuit(), shadow: nil)
        let step = try TestSupport.step(rows: [2, 0], cols: [-2])
        let before = Matrix([[0.5], [0.5]])
        let after = Matrix([[0.6], [0.5001]])
        try monitor.record(DeviceStepEvent(layer: 0, step: step, before: before, after: after, energy: nil))
        XCTAssertEqual(monitor.takeEpochStats().disturbedDevices, 1)
    }

    /// Energy from SPICE's integrators matches the independent sum over pulses of
    /// `G·V²·(plateau + 2·edge/3)` (a trapezoidal pulse's `∫v² dt`), is positive, and grows
    /// with the number of pulses; the analytic estimate agrees. (ngspice's integral reads about
    /// 1 % low at the engine's maximum step of one period: 0.13 % at 10 ns, measured.)
    func testEnergyIsPositiveAndGrowsWithPulses() throws {
        let circuit = CrossbarCircuit()
        let engine = try SpiceEngine(circuit: circuit, measureEnergy: true)
        let analytic = try CrossbarHardware(circuit: circuit).analyticEngine()
        let device = try ThresholdMemristor(circuit.device)
        let shape = circuit.shape
        let x = 0.3
        var previous = 0.0
        for pulses in [1, 2, 4] {
            // Row pulses only: every pulse half-selects the device in both phases, the state stays put.
            let step = try TestSupport.step(rows: [pulses], cols: [0])
            var states = Matrix([[x]])
            let energy = try XCTUnwrap(try engine.apply(step, to: &states))
            let v = shape.setAmplitude / 2
            let perPulse = device.conductance(state: x) * v * v * (shape.plateau + 2 * shape.edge / 3)
            XCTAssertEqual(energy.deviceTotal, 2 * Double(pulses) * perPulse, accuracy: 0.02 * energy.deviceTotal)
            XCTAssertEqual(energy.driverTotal, energy.deviceTotal, accuracy: 0.01 * energy.deviceTotal)
            XCTAssertGreaterThan(energy.deviceTotal, previous)
            previous = energy.deviceTotal
            var analyticStates = Matrix([[x]])
            let estimate = try XCTUnwrap(try analytic.apply(step, to: &analyticStates))
            XCTAssertEqual(estimate.deviceTotal, energy.deviceTotal, accuracy: 0.02 * energy.deviceTotal)
        }
        // Coincident pulses put the full amplitude across the device: four times the power.
        var states = Matrix([[x]])
        let written = try XCTUnwrap(try engine.apply(try TestSupport.step(rows: [2], cols: [-2]), to: &states))
        XCTAssertGreaterThan(written.devices[0], 3 * written.devices[1])
    }

    /// A sub-threshold read gives `I_j − I_ref = Σ_i (G_ij − G_ref)·v_i` and leaves no state
    /// moved; the readout turns it back into `Σ x·w` exactly with ideal wires, and wire
    /// resistance makes it deviate.
    func testSpiceReadIsTheIdealProductWithIdealWires() throws {
        let circuit = CrossbarCircuit()
        let device = try ThresholdMemristor(circuit.device)
        let reader = try SpiceReader(circuit: circuit)
        let states = Matrix([[0.1, 0.9], [0.5, 0.7], [1.0, 0.0]])
        let voltages = [0.2, -0.1, 0.05]
        let currents = try reader.differentialCurrents(states: states, voltages: voltages)
        let reference = (circuit.device.onConductance + circuit.device.offConductance) / 2
        for j in 0..<2 {
            let expected = (0..<3).map { (device.conductance(state: states[$0, j]) - reference) * voltages[$0] }.reduce(0, +)
            XCTAssertEqual(currents[j], expected, accuracy: 1e-12)
        }

        let weights: [Float] = [0.5, -1.2, 2.0, 0.1, -0.3, 0.8]
        let inputs: [Float] = [0.2, 1.0, 1.0]
        func read(_ wiring: CrossbarWiring) throws -> ([Float], CircuitEpochStats) {
            let readout = try CircuitReadout(circuit: CrossbarCircuit(wiring: wiring), mapping: WeightMapping(maxWeight: 4))
            return try TestSupport.readOnce(readout, inputs: inputs, weights: weights, rows: 3, cols: 2)
        }
        let (ideal, idealStats) = try read(.ideal)
        XCTAssertEqual(Double(ideal[0]), 0.2 * 0.5 + 2.0 - 0.3, accuracy: 1e-5)
        XCTAssertEqual(Double(ideal[1]), 0.2 * -1.2 + 0.1 + 0.8, accuracy: 1e-5)
        XCTAssertEqual(idealStats.readProducts, 2)
        XCTAssertLessThan(idealStats.readRelativeError, 1e-6)
        let (_, wiredStats) = try read(CrossbarWiring(segmentResistance: 50, driverResistance: 100))
        XCTAssertGreaterThan(wiredStats.readRelativeError, 1e-4)
        XCTAssertThrowsError(try SpiceReader(circuit: circuit, readVoltage: 1.5)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "read-voltage")
        }
    }

    /// The read netlist runs unchanged in the `ngspice` program and prints the same column
    /// currents as the shared library computes (wires included).
    func testReadNetlistRunsInTheNgspiceProgram() throws {
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50))
        let states = Matrix([[0.2, 0.8], [0.6, 0.1]])
        let voltages = [0.15, 0.05]
        let netlist = try CrossbarReadNetlist(circuit: circuit, states: states, voltages: voltages)
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("read.cir").path
        try netlist.text.write(toFile: path, atomically: true, encoding: .utf8)
        let output = try NgspiceProgram.run("ngspice", arguments: ["-b", path])
        let printed = try XCTUnwrap(output.components(separatedBy: "PULSEPROP-READ-BEGIN").last?
            .components(separatedBy: "PULSEPROP-READ-END").first)
        var currents: [String: Double] = [:]
        for line in printed.split(separator: "\n") where line.contains(" = ") {
            let parts = line.components(separatedBy: " = ")
            currents[parts[0].trimmingCharacters(in: .whitespaces)] = Double(parts[1].trimmingCharacters(in: .whitespaces))
        }
        let program = try (0..<2).map { j in
            try XCTUnwrap(currents["i(vc\(j))"]) - XCTUnwrap(currents["i(vc2)"])
        }
        let library = try SpiceReader(circuit: circuit).differentialCurrents(states: states, voltages: voltages)
        for j in 0..<2 { XCTAssertEqual(program[j], library[j], accuracy: 1e-12) }
    }

    /// The probed transient is the same simulation: its last state equals the engine's final
    /// state, the state is flat while only one electrode pulses, and the voltage across the
    /// device reaches the full amplitude only at coincidences.
    func testElectrodeTraceShowsCoincidences() throws {
        let circuit = CrossbarCircuit()
        let engine = try SpiceEngine(circuit: circuit)
        let step = try TestSupport.step(rows: [4, 1], cols: [-2, 3])
        XCTAssertEqual(step.illustrativeDevice, DeviceIndex(row: 0, col: 1))
        let states = Matrix([[0.4, 0.6], [0.5, 0.5]])
        let trace = try engine.trace(step, from: states, device: step.illustrativeDevice)
        let final = try engine.run(step, from: states).finalState
        XCTAssertEqual(trace.state.last!, final[0, 1], accuracy: 1e-6)
        XCTAssertEqual(trace.coincidences, -3)
        let across = trace.acrossVoltage
        XCTAssertEqual(across.max()!, circuit.shape.setAmplitude / 2, accuracy: 1e-9)  // phase 1: column idle
        XCTAssertEqual(across.min()!, -circuit.shape.resetAmplitude, accuracy: 1e-9)  // phase 2: coincidences
        let phase1 = trace.time.indices.filter { trace.time[$0] <= Double(step.slotsPerPhase) * circuit.shape.period }
        XCTAssertEqual(trace.state[phase1.last!], 0.6, accuracy: 1e-9)
        XCTAssertLessThan(trace.state.last!, 0.6 - 0.01)
    }
}

/// The main job in its quick mode.
final class DemoCLITests: XCTestCase {
    func testQuickDemoWritesAReportWithItsData() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try TestSupport.runCLI(["demo", "--quick", "--output", folder.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("[1/2] SPICE engine: epoch 1/1"), result.stderr)
        XCTAssertTrue(result.stdout.contains("report: \(folder.path)/report.html"), result.stdout)
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 5)
        XCTAssertTrue(html.contains("href=\"data:text/plain;base64,"))
        let open = try XCTUnwrap(html.range(of: "<script type=\"application/json\" id=\"pulseprop-data\">"))
        let close = try XCTUnwrap(html.range(of: "</script>", range: open.upperBound..<html.endIndex))
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(html[open.upperBound..<close.lowerBound].utf8)) as? [String: Any])
        XCTAssertEqual((json["spice"] as? [Any])?.count, 1)
        XCTAssertEqual((json["analytic"] as? [Any])?.count, 1)
        XCTAssertFalse((json["delta_g"] as? [Any] ?? []).isEmpty)
        let trace = try XCTUnwrap(json["trace"] as? [String: Any])
        XCTAssertGreaterThan((trace["time"] as? [Any])?.count ?? 0, 20)
        XCTAssertTrue((json["netlist"] as? String ?? "").contains(".tran"))
        for file in ["spice/log.csv", "analytic/summary.json", "steps.csv", "deltag.csv", "trace.csv", "step.cir"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
    }
}
