import XCTest

@testable import PulseProp

/// Equilibrium propagation on a Verilog-A device (`--device FILE.va`): `devices/threshold.va`,
/// the built-in threshold device written as a user's model, against the built-in device.
final class EqPropVerilogATests: XCTestCase {
    /// The threshold example, checked (its conductances measured), and its calibration for the
    /// default programming pulses, which the updates use. A 21-state grid suffices: the example
    /// has linear windows, so its one-pulse response is affine in the state and the grid's
    /// linear interpolation adds nothing to the measurement's own error.
    static func thresholdExample() throws -> (device: Device, calibration: PulseResponseCalibration) {
        let circuit = try VerilogADeviceTests.checkedCircuit(VerilogADeviceTests.example("threshold"))
        let calibration = try SpiceCalibrator(circuit: circuit, gridStates: 21, pulses: 40).nominal(with: SpiceEngine(circuit: circuit))
        return (circuit.device, calibration)
    }

    /// The same network (states from the same seed) of `device`.
    private func network(_ device: Device, seed: UInt64) throws -> EqPropNetwork {
        try EqPropNetwork(inputs: 3, hidden: 4, outputs: 2, device: device, seed: seed)
    }

    /// With the SPICE solver the module's network (its instances in the operating point) has the
    /// built-in device's equilibria, free and nudged. Both solve the same equations — the module's
    /// current is `(g_off + (g_on − g_off)·x)·v` with the metal-oxide values, the built-in
    /// device's resistor `1/G(x)` — so they differ by ngspice's Newton tolerance only
    /// (`reltol=1e-9 vntol=1e-12`: nodes of ~10 mV agree within 1e-11 V); 1e-9 V leaves room.
    /// The analytic solver on the module (conductance linear in the state between the measured
    /// `G(0)`, `G(1)`) agrees with SPICE as closely as the built-in device's does (1e-6 V,
    /// ``EqPropTests/testSpiceAndAnalyticEquilibriaAgree``).
    func testThresholdModelHasTheBuiltInEquilibria() throws {
        let (device, _) = try Self.thresholdExample()
        let g = try XCTUnwrap(device.verilogA?.conductance)
        XCTAssertEqual(g.on, 1e-4, accuracy: 1e-12)
        XCTAssertEqual(g.off, 1e-5, accuracy: 1e-13)
        let spice = try EqPropSpiceSolver()
        var generator = SeededGenerator(seed: 5)
        var (builtIn, analytic) = (0.0, 0.0)
        for seed in 1...3 {
            let (own, reference) = (try network(device, seed: UInt64(seed)), try network(.metalOxide, seed: UInt64(seed)))
            XCTAssertEqual(own.hiddenStates, reference.hiddenStates)
            let input = (0..<3).map { _ in Double.random(in: -1...1, using: &generator) }
            for nudge in [nil, EqPropNudge(beta: 0.5, targets: [1, -1])] {
                let s = try spice.equilibrium(of: own, input: input, nudge: nudge, start: nil)
                let b = try spice.equilibrium(of: reference, input: input, nudge: nudge, start: nil)
                let a = try EqPropAnalyticSolver().equilibrium(of: own, input: input, nudge: nudge, start: nil)
                builtIn = max(builtIn, zip(s, b).map { abs($0 - $1) }.max()!)
                analytic = max(analytic, zip(s, a).map { abs($0 - $1) }.max()!)
            }
        }
        print("threshold.va vs built-in, SPICE: \(builtIn) V; analytic vs SPICE on threshold.va: \(analytic) V")
        XCTAssertLessThan(builtIn, 1e-9)
        XCTAssertLessThan(analytic, 1e-6)
    }

    /// The state updates of the module follow the built-in device's (pulses through its exact
    /// dose) from the SPICE solver's phases, both ways the module's pulses are taken: simulated
    /// in ngspice (the SPICE solver's updates) and through its calibration (the analytic
    /// solver's). The rate asks for up to about twelve pulses (a step of 0.1). Both are the
    /// module in an ngspice transient at ngspice's default tolerance, whose per-pulse step lies
    /// within about 1e-5 of the range of the exact one (its 40-pulse sequences land within 2e-4
    /// of the converged solution, docs/devices.md), so twelve pulses lie within about 1.2e-4
    /// and the continuous rule's (unquantised) changes must agree within 5e-4 of the range
    /// (measured: 9.3e-5 through the calibration, 2.0e-5 simulated). The pulse rule's
    /// rounded counts come from the same draws, so its changes agree as closely unless `n*`,
    /// which the two `δ` move by ~1e-3 relative, lands on the other side of a rounding
    /// boundary: then by one pulse step `δ`, on a few of the 56 devices at most (measured: 2).
    func testThresholdModelMakesTheBuiltInUpdates() throws {
        let (device, calibration) = try Self.thresholdExample()
        let spice = try EqPropSpiceSolver()
        let example = EqPropExample(input: [1, -0.5, 0.25], target: [1, -1])
        let (own, reference) = (try network(device, seed: 3), try network(.metalOxide, seed: 3))
        let midStep = try EqPropPulseResponse(device: .metalOxide, pulse: PulseShape(), calibration: nil).midStep()
        for mode in EqPropUpdateMode.allCases {
            func changes(_ network: EqPropNetwork, _ calibration: PulseResponseCalibration?, _ solver: EqPropSpiceSolver?) throws -> [Double] {
                let free = try spice.equilibrium(of: network, input: example.input, nudge: nil, start: nil)
                let nudged = try spice.equilibrium(
                    of: network, input: example.input, nudge: EqPropNudge(beta: 0.1, targets: example.target), start: free)
                var updater = try EqPropUpdater(
                    mode: mode, rate: 4000, device: network.device, seed: 9, calibration: calibration, solver: solver)
                var next = network
                return try updater.apply(
                    EqPropGradient(network: network, input: example.input, free: free, nudged: nudged, beta: 0.1), to: &next)
            }
            let b = try changes(reference, nil, nil)
            XCTAssertGreaterThan(b.map(abs).max()!, 10 * midStep, "the example asks for many pulses")
            for (name, a) in [("calibrated", try changes(own, calibration, nil)), ("simulated", try changes(own, nil, spice))] {
                let differences = zip(a, b).map { abs($0 - $1) }
                print("\(mode), \(name): largest change \(b.map(abs).max()!), largest difference \(differences.max()!), "
                    + "devices beyond 5e-4: \(differences.filter { $0 > 5e-4 }.count) of \(differences.count) (one pulse: \(midStep))")
                switch mode {
                case .continuous: XCTAssertLessThan(differences.max()!, 5e-4, name)
                case .pulses:
                    XCTAssertLessThan(differences.max()!, midStep + 5e-4, name)
                    XCTAssertLessThanOrEqual(differences.filter { $0 > 5e-4 }.count, 4, name)
                }
            }
        }
    }

    /// Either solver trains a Verilog-A device, and a resumed run is the run that was not
    /// interrupted (the analytic one reads the calibration again, the SPICE one simulates the
    /// pulses in a fresh ngspice; the states continue bit for bit).
    func testRunsOnAVerilogADeviceResumeExactly() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (device, calibration) = try Self.thresholdExample()
        let calibrationPath = dir.appendingPathComponent("cal.json").path
        try AtomicFile.write(try calibration.json(), to: calibrationPath)
        for engine in EngineKind.allCases {
            var c = try EqPropConfiguration.preset(task: "xor")
            (c.device, c.engine, c.epochs) = (device, engine, 4)
            c.calibration = engine == .analytic ? calibrationPath : nil
            let straight = try EqPropRun(configuration: c, task: .xor, checkpointPath: nil, resume: false)
            try straight.run()
            let path = dir.appendingPathComponent("\(engine.rawValue).json").path
            var half = c
            half.epochs = 2
            try EqPropRun(configuration: half, task: .xor, checkpointPath: path, resume: false).run()
            let resumed = try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: true)
            try resumed.run()
            XCTAssertEqual(resumed.checkpoint.network, straight.checkpoint.network, engine.rawValue)
            XCTAssertEqual(resumed.checkpoint.history.map(\.trainLoss), straight.checkpoint.history.map(\.trainLoss), engine.rawValue)
            XCTAssertNotEqual(straight.checkpoint.network.hiddenStates, try EqPropRun.initialNetwork(c, task: .xor).hiddenStates)
        }
    }

    /// Through the CLI: `eqprop train --device devices/threshold.va` on XOR for one epoch with
    /// the SPICE solver (the model's pulses simulated in ngspice, no calibration) succeeds and
    /// records the device, and so does the analytic solver with the device's calibration;
    /// without it the analytic solver is refused naming the calibrate command, and the
    /// continuous rule's drift in SPICE (which needs the threshold family's drift law) is
    /// refused naming what to use instead, each in one line. `eqprop export` writes the `.va`
    /// and its `.osdi` beside the netlist, which loads it by its `pre_osdi` line and runs in
    /// the ngspice program.
    func testTrainAndExportThroughTheCLI() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (device, calibration) = try Self.thresholdExample()
        let calibrationPath = dir.appendingPathComponent("cal.json").path
        try AtomicFile.write(try calibration.json(), to: calibrationPath)
        let common = ["eqprop", "train", "--task", "xor", "--epochs", "1", "--device", VerilogADeviceTests.example("threshold")]
        for (engine, extra) in [("spice", [String]()), ("analytic", ["--calibration", calibrationPath])] {
            let folder = dir.appendingPathComponent(engine)
            let run = try TestSupport.runCLI(common + ["--engine", engine, "--format", "json", "--output", folder.path] + extra)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stderr.contains("Verilog-A device pp_threshold"), run.stderr)
            let checkpoint = try EqPropCheckpoint.read(folder.appendingPathComponent("checkpoint.json").path)
            XCTAssertEqual(checkpoint.network.device.verilogA?.module, "pp_threshold")
            XCTAssertEqual(checkpoint.history.count, 1)
            XCTAssertNotEqual(checkpoint.network, try EqPropRun.initialNetwork(checkpoint.configuration, task: .xor), "\(engine) trained")
        }

        let missing = try TestSupport.runCLI(common)
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("pulseprop calibrate --device"), missing.stderr)
        let continuous = try TestSupport.runCLI(common + ["--engine", "spice", "--update", "continuous"])
        XCTAssertNotEqual(continuous.status, 0)
        let refusal = continuous.stderr.split(separator: "\n").filter { !$0.hasPrefix("pulseprop: Verilog-A device") }
        XCTAssertEqual(refusal.count, 1, continuous.stderr)
        XCTAssertTrue(continuous.stderr.contains("use --update pulses or --engine analytic"), continuous.stderr)

        let netlist = dir.appendingPathComponent("export/net.cir")
        let export = try TestSupport.runCLI(
            ["eqprop", "export", "--task", "xor", "--device", VerilogADeviceTests.example("threshold"), "--output", netlist.path])
        XCTAssertEqual(export.status, 0, export.stderr)
        for file in ["threshold.va", "threshold.osdi"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("export/\(file)").path), file)
        }
        let text = try String(contentsOf: netlist, encoding: .utf8)
        XCTAssertTrue(text.contains("\npre_osdi threshold.osdi\n"), text)
        XCTAssertTrue(text.contains("\nxw1_0_0 h0 ip0 \(CrossbarNetlist.deviceModelName) x0="), text)
        // The folder runs as it is in the ngspice program and prints the library's operating
        // point (the same simulator, 17 digits: 1e-12 V).
        var c = try EqPropConfiguration.preset(task: "xor")
        c.device = device
        let network = try EqPropRun.initialNetwork(c, task: .xor)
        let library = try EqPropSpiceSolver().equilibrium(of: network, input: EqPropTask.xor.test[0].input, nudge: nil, start: nil)
        let program = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["ngspice", "-b", "net.cir"], in: netlist.deletingLastPathComponent())
        var printed: [String: Double] = [:]
        for line in program.stdout.split(separator: "\n") where line.hasPrefix("v(") {
            let parts = line.components(separatedBy: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { printed[parts[0]] = Double(parts[1]) }
        }
        for k in 0..<network.nodes {
            let node = network.nodeName(k)
            XCTAssertEqual(try XCTUnwrap(printed["v(\(node))"], program.stdout + program.stderr), library[k], accuracy: 1e-12, node)
        }
    }
}
