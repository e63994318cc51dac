import XCTest
@testable import PulseProp

final class EqPropTests: XCTestCase {
    /// The cost `C = ½ Σ (V_o − A_out t_o)²` at the free equilibrium.
    private func cost(_ network: EqPropNetwork, _ example: EqPropExample) throws -> Double {
        let v = try EqPropAnalyticSolver().equilibrium(of: network, input: example.input, nudge: nil, start: nil)
        let a = network.neuron.outputAmplitude
        return zip(network.outputValues(v), example.target).reduce(0) { $0 + 0.5 * a * a * ($1.0 - $1.1) * ($1.0 - $1.1) }
    }

    func testEquilibriumBalancesEveryNode() throws {
        let network = try EqPropNetwork(inputs: 3, hidden: 4, outputs: 2, seed: 3)
        let input = [0.5, -1, 0.25]
        for nudge in [nil, EqPropNudge(beta: 0.5, targets: [1, -1])] {
            let system = try EqPropSystem(network: network, input: input, nudge: nudge)
            let v = try EqPropAnalyticSolver().equilibrium(of: network, input: input, nudge: nudge, start: nil)
            XCTAssertLessThan(system.residual(v).map(abs).max()!, 1e-15)
        }
    }

    func testUpdateHasTheSignOfTheNegativeGradient() throws {
        var network = try EqPropNetwork(inputs: 2, hidden: 3, outputs: 1, seed: 5)
        let example = EqPropExample(input: [1, -0.5], target: [1])
        let solver = EqPropAnalyticSolver()
        let free = try solver.equilibrium(of: network, input: example.input, nudge: nil, start: nil)
        let beta = 1e-4
        let nudged = try solver.equilibrium(of: network, input: example.input, nudge: EqPropNudge(beta: beta, targets: example.target), start: free)
        let gradient = EqPropGradient(network: network, input: example.input, free: free, nudged: nudged, beta: beta)
        let h = 1e-6
        for (layer, k) in [(0, 0), (0, 3), (0, 5), (1, 0), (1, 2), (1, 4), (1, 5), (1, 9)] {
            var plus = network, minus = network
            if layer == 0 {
                plus.hiddenStates.elements[k] += h
                minus.hiddenStates.elements[k] -= h
            } else {
                plus.outputStates.elements[k] += h
                minus.outputStates.elements[k] -= h
            }
            let numeric = (try cost(plus, example) - cost(minus, example)) / (2 * h)
            let estimate = layer == 0 ? gradient.hidden.elements[k] : gradient.output.elements[k]
            XCTAssertEqual(estimate, numeric, accuracy: 0.01 * abs(numeric) + 1e-12, "layer \(layer) device \(k)")
            XCTAssertEqual(estimate.sign, numeric.sign)
        }
        // A step against the estimate lowers the cost.
        let before = try cost(network, example)
        var updater = try EqPropUpdater(mode: .continuous, rate: 10, device: network.device, seed: 1)
        try updater.apply(gradient, to: &network)
        XCTAssertLessThan(try cost(network, example), before)
    }

    func testXORLearnsWithAFixedSeed() throws {
        var network = try EqPropNetwork(inputs: 2, hidden: 4, outputs: 1, seed: 1)
        var trainer = try EqPropTrainer(engine: EqPropAnalyticSolver(), beta: 0.1, mode: .continuous, rate: 400, device: network.device, seed: 1)
        var generator = SeededGenerator(seed: 1)
        let task = EqPropTask.xor
        for _ in 0..<120 { _ = try trainer.epoch(&network, task.train, using: &generator) }
        XCTAssertEqual(try trainer.error(network, on: task.test, metric: task.metric), 0)
    }

    func testSpiceAndAnalyticEquilibriaAgree() throws {
        let spice = try EqPropSpiceSolver()
        var generator = SeededGenerator(seed: 11)
        var worst = 0.0
        for seed in 1...4 {
            let network = try EqPropNetwork(inputs: 3, hidden: 2 + seed, outputs: seed % 2 + 1, seed: UInt64(seed))
            let input = (0..<3).map { _ in Double.random(in: -1...1, using: &generator) }
            let targets = (0..<network.outputs).map { _ in Double.random(in: -1...1, using: &generator) }
            for nudge in [nil, EqPropNudge(beta: 0.5, targets: targets)] {
                let a = try EqPropAnalyticSolver().equilibrium(of: network, input: input, nudge: nudge, start: nil)
                let s = try spice.equilibrium(of: network, input: input, nudge: nudge, start: nil)
                worst = max(worst, zip(a, s).map { abs($0 - $1) }.max()!)
            }
        }
        XCTAssertLessThan(worst, 1e-6)
        print("largest SPICE - analytic node difference: \(worst) V")
    }

    func testBadOptionsAreRefusedNamingTheOption() throws {
        func refused(_ change: (inout EqPropConfiguration) -> Void) throws -> String? {
            var c = try EqPropConfiguration.preset(task: "xor")
            change(&c)
            do { try c.validate() } catch let error as ParameterError { return error.parameter }
            return nil
        }
        XCTAssertEqual(try refused { $0.beta = 0 }, "beta")
        XCTAssertEqual(try refused { $0.beta = -1 }, "beta")
        XCTAssertEqual(try refused { $0.task = "tic-tac-toe" }, "task")
        XCTAssertEqual(try refused { $0.hidden = 0 }, "hidden")
        XCTAssertThrowsError(try EqPropNetwork(inputs: 2, hidden: 10_000_000, outputs: 1, seed: 1)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "hidden")
        }
    }

    func testResumedRunEqualsTheUninterruptedOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eqprop-resume-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("checkpoint.json").path
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 4
        let straight = try EqPropRun(configuration: c, task: .xor, checkpointPath: nil, resume: false)
        try straight.run()
        var half = c
        half.epochs = 2
        try EqPropRun(configuration: half, task: .xor, checkpointPath: path, resume: false).run()
        let resumed = try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: true)
        try resumed.run()
        XCTAssertEqual(resumed.checkpoint.network, straight.checkpoint.network)
        XCTAssertEqual(resumed.checkpoint.history.map(\.error), straight.checkpoint.history.map(\.error))
    }

    /// A checkpoint written before the step RMS was measured still resumes: its epochs read
    /// with no step RMS, and the log leaves those cells empty.
    func testCheckpointsFromBeforeTheStepRMSStillRead() throws {
        let old = #"{"epoch": 1, "train_loss": 0.5, "error": 0.25, "mode_cosine": 0.9, "seconds": 1.5}"#
        let epoch = try SnakeCaseJSON.decode(EqPropEpochResult.self, from: Data(old.utf8))
        XCTAssertNil(epoch.stepRms)
        XCTAssertNil(epoch.modeRmsDifference)
        XCTAssertEqual(EqPropReport.csv([epoch]).split(separator: "\n").last, "1,0.5,0.25,0.9,,,1.5")
    }

    func testNewtonFailureNamesThePhaseAndTheNode() throws {
        let network = try EqPropNetwork(inputs: 2, hidden: 3, outputs: 1, seed: 2)
        var solver = EqPropAnalyticSolver()
        solver.maxIterations = 1
        XCTAssertThrowsError(try solver.equilibrium(of: network, input: [1, 1], nudge: EqPropNudge(beta: 0.1, targets: [1]), start: nil)) {
            let error = $0 as? EqPropError
            XCTAssertEqual(error?.phase, "nudged phase (beta 0.1)")
            XCTAssertTrue(error.map { (0..<network.nodes).map(network.nodeName).contains($0.node) } ?? false)
            XCTAssertTrue(error?.description.hasPrefix("no equilibrium in the nudged phase (beta 0.1) at node ") ?? false)
        }
    }

    func testCLIWritesJSONAndFilesAndRefusesBadOptionsInOneLine() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--epochs", "3", "--output", dir.path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["task", "error", "epochs", "seconds_per_epoch"] { XCTAssertNotNil(object[key], key) }
        XCTAssertEqual(object["task"] as? String, "xor")
        for file in ["log.csv", "summary.json", "eqprop.svg", "checkpoint.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        for (option, value, named) in [("--beta", "0", "beta"), ("--task", "tic-tac-toe", "task"), ("--hidden", "0", "hidden")] {
            let arguments = option == "--task" ? ["eqprop", "train", "--task", value] : ["eqprop", "train", "--task", "xor", option, value]
            let refused = try TestSupport.runCLI(arguments)
            XCTAssertNotEqual(refused.status, 0)
            XCTAssertTrue(refused.stderr.contains("invalid \(named):"), refused.stderr)
            XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        }
    }
}
