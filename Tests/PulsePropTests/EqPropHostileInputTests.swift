import XCTest
@testable import PulseProp

/// Hostile eqprop inputs (issue 31): corrupted checkpoints, sources above the devices'
/// thresholds, absurd devices and sizes, reused output folders, ignored options. Each is
/// refused with one line naming the field, option or path.
final class EqPropHostileInputTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try TestSupport.temporaryDirectory()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A one-epoch XOR checkpoint's JSON object.
    private func checkpointObject() throws -> [String: Any] {
        let path = folder.appendingPathComponent("trained.json").path
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 1
        try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: false).run()
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// The problem `EqPropCheckpoint.read` reports for the checkpoint changed by `change`, or
    /// nil when it reads.
    private func refusal(_ name: String, _ change: (inout [String: Any]) -> Void) throws -> String? {
        var object = try checkpointObject()
        change(&object)
        let path = folder.appendingPathComponent("\(name).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        do {
            _ = try EqPropCheckpoint.read(path)
            return nil
        } catch let error as DataError {
            XCTAssertEqual(error.path, path)
            XCTAssertFalse(error.description.contains("\n"), error.description)
            return error.problem
        }
    }

    /// Sets `object[section][key]` (`section` nil: the top level).
    private static func set(_ object: inout [String: Any], _ path: [String], _ value: Any) {
        guard let first = path.first else { return }
        if path.count == 1 {
            object[first] = value
        } else {
            var inner = object[first] as? [String: Any] ?? [:]
            set(&inner, Array(path.dropFirst()), value)
            object[first] = inner
        }
    }

    // MARK: item 5: shapes and sizes

    func testCheckpointWhoseStatesDoNotMatchItsSizesIsRefusedNamingTheField() throws {
        let missingRow = try refusal("shape") { object in
            var network = object["network"] as! [String: Any]
            network["hidden_states"] = Array((network["hidden_states"] as! [[Double]]).dropLast())
            object["network"] = network
        }
        XCTAssertEqual(missingRow, "is not a usable checkpoint: field network.hidden_states is 3×6; 2 inputs, 4 hidden and 1 outputs need 4×6")
        let short = try refusal("columns") { object in
            var network = object["network"] as! [String: Any]
            network["output_states"] = (network["output_states"] as! [[Double]]).map { Array($0.dropLast()) }
            object["network"] = network
        }
        XCTAssertTrue(short?.hasPrefix("is not a usable checkpoint: field network.output_states is 2×5;") ?? false, short ?? "read")
        // hidden: 1e9 with the states of 4 ran 91 s before a fatal allocation.
        let huge = try refusal("huge") {
            Self.set(&$0, ["network", "hidden"], 1_000_000_000)
            Self.set(&$0, ["configuration", "hidden"], 1_000_000_000)
        }
        XCTAssertEqual(huge, "is not a usable checkpoint: field network.hidden must be in 1...10000000, got 1000000000")
        let overflow = try refusal("overflow") { Self.set(&$0, ["network", "inputs"], Int.max) }
        XCTAssertTrue(overflow?.contains("field network.inputs") ?? false, overflow ?? "read")
    }

    func testSizesBeyondTheMemoryBudgetAreRefusedBeforeAllocating() throws {
        let budget = MemoryBudget(limit: 1e9)
        XCTAssertNoThrow(try EqPropCost(inputs: 196, hidden: 100, outputs: 10).check(budget, netlist: true, spice: true))
        XCTAssertThrowsError(try EqPropCost(inputs: 196, hidden: 1_000_000, outputs: 10).check(budget, netlist: false, spice: false)) {
            let error = $0 as? ParameterError
            XCTAssertEqual(error?.parameter, "hidden")
            XCTAssertTrue(error?.problem.contains("196-1000000-10 eqprop network needs ≈") ?? false, "\($0)")
            XCTAssertTrue(error?.problem.contains("(--max-memory)") ?? false, "\($0)")
        }
        // Absurd sizes cannot overflow the estimate.
        XCTAssertThrowsError(try EqPropCost(inputs: .max, hidden: .max, outputs: .max).check(.machine, netlist: true, spice: true))
    }

    // MARK: item 6: every source below the thresholds

    func testEverySourceKeepsEveryDeviceBelowItsThresholds() throws {
        func refusal(_ change: (inout EqPropNeuron) -> Void) -> ParameterError? {
            var neuron = EqPropNeuron()
            change(&neuron)
            do {
                _ = try EqPropNetwork(inputs: 2, hidden: 4, outputs: 1, neuron: neuron, seed: 1)
                return nil
            } catch { return error as? ParameterError }
        }
        // `eqprop export --task xor --clamp-voltage 2` put 2.33 V across a 1 V device.
        let clamp = refusal { $0.clampVoltage = 2 }
        XCTAssertEqual(clamp?.parameter, "clamp-voltage")
        XCTAssertEqual(
            clamp?.problem,
            "sources up to 2.0 V and the nudge target 0.005 V put up to 4.01 V across a device, not below its 1.0 V threshold")
        XCTAssertEqual(refusal { $0.inputAmplitude = 0.5 }?.parameter, "input-amplitude")
        XCTAssertEqual(refusal { $0.biasVoltage = 0.6 }?.parameter, "bias-voltage")
        XCTAssertEqual(refusal { $0.outputAmplitude = 0.45 }?.parameter, "output-amplitude")
        XCTAssertNil(refusal { _ in })
        XCTAssertEqual(EqPropNeuron().largestDeviceVoltage, 0.81, accuracy: 1e-12)
        // `eqprop train --clamp-voltage 100` trained to a loss of 4.5e7: the run refuses it.
        var c = try EqPropConfiguration.preset(task: "xor")
        c.neuron.clampVoltage = 100
        XCTAssertThrowsError(try EqPropRun(configuration: c, task: .xor, checkpointPath: nil, resume: false)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "clamp-voltage")
        }
        // The bound holds at the equilibria: no device of a network at the largest sources the
        // check allows sees more than largestDeviceVoltage, in either phase.
        let neuron = EqPropNeuron(clampVoltage: 0.4)
        let network = try EqPropNetwork(inputs: 2, hidden: 4, outputs: 1, neuron: neuron, seed: 3)
        for nudge in [nil, EqPropNudge(beta: 10, targets: [-1])] {
            let v = try EqPropAnalyticSolver().equilibrium(of: network, input: [1, -1], nudge: nudge, start: nil)
            let sources = network.sourceVoltages([1, -1])
            var largest = 0.0
            for h in 0..<4 { for u in sources { largest = max(largest, abs(v[h] - u)) } }
            for k in 4..<6 { for u in v.prefix(4) + [0.4, -0.4] { largest = max(largest, abs(v[k] - u)) } }
            XCTAssertLessThan(largest, neuron.largestDeviceVoltage)
        }
    }

    // MARK: item 7: output folders

    func testRunFolderIsLockedAndAnEarlierCheckpointIsNotSilentlyReplaced() throws {
        let run = folder.appendingPathComponent("run").path
        let lock = try RunFolder.claim(run, resume: false, overwrite: false)
        XCTAssertThrowsError(try RunFolder.claim(run, resume: true, overwrite: false)) {
            guard case .held = $0 as? OutputLockError else { return XCTFail("\($0)") }
        }
        lock.release()
        // A `dbn train` (or any) run's checkpoint is refused, kept, and continued or replaced on request.
        let checkpoint = (run as NSString).appendingPathComponent("checkpoint.json")
        try Data("{\"dbn\": true}".utf8).write(to: URL(fileURLWithPath: checkpoint))
        XCTAssertThrowsError(try RunFolder.claim(run, resume: false, overwrite: false)) {
            XCTAssertEqual(
                "\($0)", "\(run) holds the checkpoint of an earlier run; add --resume to continue it or --overwrite to start afresh")
        }
        XCTAssertFalse(OutputLock.isHeld(folder: run))
        XCTAssertNoThrow(try RunFolder.claim(run, resume: true, overwrite: false).release())
        XCTAssertNoThrow(try RunFolder.claim(run, resume: false, overwrite: true).release())
        XCTAssertThrowsError(try RunFolder.claim(run, resume: true, overwrite: true)) {
            XCTAssertEqual($0 as? RunError, .resumeAndOverwrite)
        }
        // --compare keeps its checkpoints one level down.
        let compared = folder.appendingPathComponent("compared").path
        try FileManager.default.createDirectory(atPath: compared + "/spice", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: compared + "/spice/checkpoint.json"))
        XCTAssertThrowsError(try RunFolder.claim(compared, checkpoints: ["checkpoint.json", "spice/checkpoint.json"], resume: false, overwrite: false))
    }

    /// Results without a checkpoint (a study folder kept with only log.csv and summary.json)
    /// are not started over by a plain run; `--overwrite` replaces them, and `--resume` starts
    /// afresh as it does wherever there is no checkpoint (a study's runner reruns a run of
    /// another configuration so).
    func testResultsWithoutACheckpointAreNotStartedOver() throws {
        let run = folder.appendingPathComponent("kept").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: run + "/summary.json"))
        XCTAssertThrowsError(try RunFolder.claim(run, resume: false, overwrite: false)) {
            XCTAssertEqual($0 as? RunError, .folderHoldsResultsWithoutCheckpoint(folder: run, file: "summary.json"))
            XCTAssertEqual(
                "\($0)",
                "\(run) holds an earlier run's summary.json but no checkpoint to continue from; add --overwrite to replace its results or choose another --output")
        }
        XCTAssertFalse(OutputLock.isHeld(folder: run), "a refusal releases the lock")
        XCTAssertNoThrow(try RunFolder.claim(run, resume: false, overwrite: true).release())
        XCTAssertNoThrow(try RunFolder.claim(run, resume: true, overwrite: false).release())
        // With its checkpoint the run is continued as before.
        try Data("{}".utf8).write(to: URL(fileURLWithPath: run + "/checkpoint.json"))
        XCTAssertNoThrow(try RunFolder.claim(run, resume: true, overwrite: false).release())
    }

    func testResumeWithoutACheckpointStartsAfresh() throws {
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 1
        let path = folder.appendingPathComponent("absent/checkpoint.json").path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let run = try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: true)
        XCTAssertEqual(run.checkpoint.network, try EqPropRun.initialNetwork(c, task: .xor))
        try run.run()
        XCTAssertEqual(try EqPropCheckpoint.read(path).history.count, 1)
    }

    /// `eqprop train` goes through the same folder policy as `train` and `dbn train`.
    func testEqPropTrainRefusesAFolderWithAnotherRunsCheckpoint() throws {
        let checkpoint = folder.appendingPathComponent("checkpoint.json")
        try Data("{\"dbn\": true}".utf8).write(to: checkpoint)
        let refused = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--epochs", "1", "--output", folder.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(
            refused.stderr.trimmingCharacters(in: .whitespacesAndNewlines),
            "Error: \(folder.path) holds the checkpoint of an earlier run; add --resume to continue it or --overwrite to start afresh")
        XCTAssertEqual(try String(contentsOf: checkpoint, encoding: .utf8), "{\"dbn\": true}")
    }

    // MARK: item 12: checkpoint values

    func testCheckpointValuesOutOfRangeAreRefusedNamingTheField() throws {
        func state(_ value: Double) -> (inout [String: Any]) -> Void {
            { object in
                var network = object["network"] as! [String: Any]
                var states = network["hidden_states"] as! [[Double]]
                states[1][2] = value
                network["hidden_states"] = states
                object["network"] = network
            }
        }
        XCTAssertEqual(
            try refusal("low", state(-3)), "is not a usable checkpoint: field network.hidden_states holds -3.0 at row 1, column 2; states lie in [0, 1]")
        XCTAssertEqual(
            try refusal("high", state(5)), "is not a usable checkpoint: field network.hidden_states holds 5.0 at row 1, column 2; states lie in [0, 1]")
        XCTAssertEqual(
            try refusal("beta") { Self.set(&$0, ["configuration", "beta"], -1) },
            "is not a usable checkpoint: field configuration.beta must be a finite number > 0, got -1.0")
        XCTAssertEqual(
            try refusal("vt") {
                Self.set(&$0, ["network", "neuron", "thermal_voltage"], 0)
                Self.set(&$0, ["configuration", "neuron", "thermal_voltage"], 0)
            },
            "is not a usable checkpoint: field network.neuron.thermal_voltage must be a finite number > 0, got 0.0")
        XCTAssertEqual(
            try refusal("mismatch") { Self.set(&$0, ["configuration", "neuron", "clamp_voltage"], 0.02) },
            "is not a usable checkpoint: field configuration.neuron differs from network.neuron")
        let device = try refusal("device") { Self.set(&$0, ["network", "device", "on_conductance"], 1e300) }
        XCTAssertTrue(device?.hasPrefix("is not a usable checkpoint: field network.device.on_conductance must lie within") ?? false, device ?? "read")
        XCTAssertEqual(
            try refusal("epochs") { Self.set(&$0, ["configuration", "epochs"], 0) },
            "is not a usable checkpoint: field configuration.epochs must be at least 1, got 0")
        XCTAssertNil(try refusal("intact") { _ in })
    }

    // MARK: item 13: paths and devices

    func testOutputThatIsAFileIsRefusedNamingThePath() throws {
        let file = folder.appendingPathComponent("file").path
        try Data().write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try RunFolder.claim(file, resume: false, overwrite: false)) {
            XCTAssertEqual("\($0)", "\(file) cannot be written: \(file) is not a folder")
        }
        XCTAssertThrowsError(try RunFolder.claim(file + "/run", resume: false, overwrite: false)) {
            XCTAssertEqual("\($0)", "\(file)/run cannot be written: \(file) is not a folder")
        }
        // An unwritable folder (not testable as root, who writes anywhere).
        guard getuid() != 0 else { return }
        let locked = folder.appendingPathComponent("locked").path
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o555)
        defer { chmod(locked, 0o755) }
        XCTAssertThrowsError(try RunFolder.claim(locked, resume: false, overwrite: false)) {
            XCTAssertTrue("\($0)".hasPrefix("\(locked) cannot be locked: "), "\($0)")
        }
    }

    func testAbsurdDeviceConductancesAreRefusedNamingTheValue() throws {
        for (on, off, named) in [(1e300, 1e-5, "onConductance"), (Double.infinity, 1e-5, "onConductance"), (1e-4, 1e-300, "offConductance")] {
            var device = ThresholdDevice.metalOxide
            (device.onConductance, device.offConductance) = (on, off)
            XCTAssertThrowsError(try EqPropNetwork(inputs: 2, hidden: 4, outputs: 1, device: .threshold(device), seed: 1)) {
                let error = $0 as? ParameterError
                XCTAssertEqual(error?.parameter, named)
                XCTAssertTrue(error?.problem.hasSuffix("got \(named == "onConductance" ? on : off) S") ?? false, "\($0)")
            }
        }
    }

    // MARK: item 15: options accepted and ignored

    func testOptionsTheCheckpointFixesOrTheTaskIgnoresAreRefused() throws {
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 1
        let run = try EqPropRun(configuration: c, task: .xor, checkpointPath: nil, resume: false)
        let checkpoint = run.checkpoint
        XCTAssertThrowsError(try checkpoint.requireAgreement(path: "c.json", hidden: 8)) {
            XCTAssertEqual("\($0)", "invalid hidden: is fixed at 4 by the checkpoint c.json, got 8: leave it out or give the same value")
        }
        XCTAssertNoThrow(try checkpoint.requireAgreement(path: "c.json", hidden: 4, clampVoltage: 0.01))
        XCTAssertThrowsError(try checkpoint.requireAgreement(path: "c.json", clampVoltage: 0.02)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "clamp-voltage")
        }
        for (limits, named) in [((3, nil), "train-limit"), ((nil, 2), "test-limit")] as [((Int?, Int?), String)] {
            XCTAssertThrowsError(try EqPropTask.named("patterns", seed: 1, data: nil, trainLimit: limits.0, testLimit: limits.1)) {
                XCTAssertEqual(($0 as? ParameterError)?.parameter, named)
            }
        }
        XCTAssertThrowsError(try EqPropTask.named("xor", seed: 1, data: nil, trainLimit: 3, testLimit: nil))
        XCTAssertEqual(try EqPropTask.named("xor", seed: 1, data: nil, trainLimit: nil, testLimit: nil).train, EqPropTask.xor.train)
    }
}
