import XCTest

@testable import PulseProp

/// `dbn train`'s limits and failures (issue 31, items 5, 11, 13 and 15): absurd sizes refused
/// before allocating, absurd CD-k refused, divergence named, resume to more epochs, and
/// options that do nothing refused. Each refusal is one line.
final class BeliefNetLimitsTests: XCTestCase {
    private let small: BeliefNetConfiguration = {
        var c = BeliefNetConfiguration()
        (c.layers, c.epochs, c.batch, c.seed) = ([8, 12], 1, 10, 4)
        return c
    }()

    private func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    /// `--batch 1000000000` and `--layers 100000,100000` allocated 40–56 GB and died: now the
    /// estimate is checked against the budget first, naming the dominant option.
    func testAbsurdBatchAndLayersAreRefusedWithTheEstimateAndTheBudget() throws {
        let budget = MemoryBudget(limit: 16e9)
        var c = BeliefNetConfiguration()
        c.batch = 1_000_000_000
        let batch = message { try BeliefNetCost(configuration: c, features: 784, classes: 10).check(budget) }
        XCTAssertTrue(batch.hasPrefix("invalid batch: a [784-500-500-2000] belief net"), batch)
        XCTAssertTrue(batch.contains("TB") && batch.contains("16 GB (--max-memory)"), batch)
        c = BeliefNetConfiguration()
        c.layers = [100_000, 100_000]
        let layers = message { try BeliefNetCost(configuration: c, features: 784, classes: 10).check(budget) }
        XCTAssertTrue(layers.hasPrefix("invalid layers:") && layers.contains("16 GB"), layers)
        // The paper's net fits a few hundred MB.
        XCTAssertLessThan(BeliefNetCost(configuration: BeliefNetConfiguration(), features: 784, classes: 10).bytes, 1e9)
        // The run refuses before it allocates.
        let (train, test) = BuiltinTask.split(seed: 3, train: 20, test: 10)
        var huge = small
        huge.batch = 1_000_000_000
        let run = message {
            _ = try BeliefNetRun(configuration: huge, train: train, test: test, checkpointPath: nil, resume: false, memory: budget)
        }
        XCTAssertTrue(run.hasPrefix("invalid batch:"), run)
        XCTAssertFalse(run.contains("\n"))
    }

    /// `--cd-k 1000000000` ran one minibatch forever: refused with the limit.
    func testAbsurdCDKIsRefused() {
        var c = small
        c.cdK = 1_000_000_000
        let text = message { try c.validate() }
        XCTAssertTrue(text.hasPrefix("invalid cd-k: at most \(BeliefNetConfiguration.maxCDK)"), text)
        c.cdK = BeliefNetConfiguration.maxCDK
        XCTAssertNoThrow(try c.validate())
    }

    /// `--lr 1e6` ended in `EncodingError.invalidValue: inf`: now the epoch that diverged is
    /// named and the checkpoint on disk stays the last finite one.
    func testDivergenceNamesTheEpochAndKeepsTheCheckpoint() throws {
        let (train, test) = BuiltinTask.split(seed: 3, train: 100, test: 20)
        var c = small
        c.learningRate = 1e6
        c.epochs = 5
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        let run = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: false)
        XCTAssertThrowsError(try run.run()) { error in
            guard let divergence = error as? BeliefNetDivergence else { return XCTFail("\(error)") }
            XCTAssertTrue(divergence.description.hasPrefix("dbn diverged in RBM \(divergence.layer) epoch \(divergence.epoch):"))
            XCTAssertFalse(divergence.description.contains("\n"))
        }
        if FileManager.default.fileExists(atPath: path) {
            let saved = try BeliefNetCheckpoint.read(path: path, configuration: c, features: train.features, classes: train.classes)
            XCTAssertTrue(saved.net.layers.allSatisfy { $0.values.allSatisfy(\.isFinite) })
        }
    }

    /// Re-planning a study with more epochs resumed no run: now a run continues to more epochs
    /// (the RBM in training trains to the new count, and every RBM above it), and any other
    /// change is refused naming the field.
    func testResumeContinuesToMoreEpochsAndNamesAnyOtherChange() throws {
        let (train, test) = BuiltinTask.split(seed: 3, train: 40, test: 20)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        var c = small
        c.epochs = 2
        let first = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: false)
        struct Stop: Error {}
        XCTAssertThrowsError(try first.run { _, _ in throw Stop() })  // one epoch of RBM 0
        c.epochs = 3
        let resumed = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: true)
        let history = try resumed.run()
        XCTAssertEqual(history.map { [$0.layer, $0.epoch] }, [[0, 1], [0, 2], [0, 3], [1, 1], [1, 2], [1, 3]])
        XCTAssertEqual(resumed.checkpoint.configuration.epochs, 3)
        // Finished: more epochs again continue the top RBM (RBM 0 keeps its 3).
        c.epochs = 4
        let again = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: true)
        XCTAssertEqual(again.checkpoint.epochsTrained, [3, 3])
        XCTAssertEqual(try again.run().count, 7)
        // Fewer epochs, or another field, are refused naming it.
        c.epochs = 2
        let fewer = message { _ = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: true) }
        XCTAssertTrue(fewer.contains("holds a run of 4 epochs per RBM; --epochs 2 is fewer"), fewer)
        c.epochs = 4
        c.learningRate = 0.2
        let other = message { _ = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: true) }
        XCTAssertTrue(other.contains("another configuration (learning_rate is 0.1 in the checkpoint, 0.2 now)"), other)
        XCTAssertFalse(other.contains("\n"))
    }

    /// `train --resume` names the field that differs too.
    func testTrainResumeNamesTheDifferingField() throws {
        let (train, test) = BuiltinTask.split(seed: 2, train: 8, test: 4)
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        try BackpropRun(configuration: c, train: train, test: test, checkpointPath: path, resume: false).run()
        c.seed += 1
        let text = message { _ = try BackpropRun(configuration: c, train: train, test: test, checkpointPath: path, resume: true) }
        XCTAssertTrue(text.contains("another configuration (seed is \(c.seed - 1) in the checkpoint, \(c.seed) now)"), text)
    }

    /// `eqprop --resume` names the field that differs too.
    func testEqPropResumeNamesTheDifferingField() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 1
        try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: false).run()
        c.seed += 1
        let text = message { _ = try EqPropRun(configuration: c, task: .xor, checkpointPath: path, resume: true) }
        XCTAssertTrue(text.contains("another configuration (seed is \(c.seed - 1) in the checkpoint, \(c.seed) now)"), text)
    }

    /// `dbn train --threshold` with ideal weights was accepted and ignored.
    func testThresholdWithIdealWeightsIsRefused() throws {
        let run = try TestSupport.runCLI(["dbn", "train", "--threshold", "5", "--epochs", "1", "--layers", "4", "--output", try TestSupport.temporaryDirectory().path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("invalid threshold:"), run.stderr)
    }
}

/// The belief net's path defaults, in the library (they lived in `dbn train`).
final class BeliefNetPathDefaultsTests: XCTestCase {
    func testCoincidencePathTakesSamplesAndNoDigitalMomentumOrDecay() {
        var digital = BeliefNetConfiguration()
        let recipe = (digital.statistics, digital.momentum, digital.weightDecay)
        digital.fillPathDefaults(statistics: nil, momentum: nil, weightDecay: nil)
        XCTAssertTrue(digital.digitalUpdate)
        XCTAssertEqual(digital.statistics, recipe.0)
        XCTAssertEqual(digital.momentum, recipe.1)
        XCTAssertEqual(digital.weightDecay, recipe.2)

        var coincidence = BeliefNetConfiguration()
        (coincidence.weights, coincidence.write, coincidence.engine) = (.pair, .perBatch, .analytic)
        coincidence.fillPathDefaults(statistics: nil, momentum: nil, weightDecay: nil)
        XCTAssertFalse(coincidence.digitalUpdate)
        XCTAssertEqual(coincidence.statistics, .samples)
        XCTAssertEqual(coincidence.momentum, 0)
        XCTAssertEqual(coincidence.weightDecay, 0)

        coincidence.fillPathDefaults(statistics: .probabilities, momentum: 0.5, weightDecay: 1e-4)
        XCTAssertEqual(coincidence.statistics, .probabilities, "what the user gives wins")
        XCTAssertEqual(coincidence.momentum, 0.5)
        XCTAssertEqual(coincidence.weightDecay, 1e-4)
    }
}
