import Foundation
import XCTest

@testable import PulseProp

/// Checkpoints: a resumed run equals one that never stopped, bit for bit, and no checkpoint
/// file, however damaged, crashes the process.
final class CheckpointTests: XCTestCase {
    /// A checkpoint that exists but cannot be read is refused on resume, naming it, in every
    /// procedure (backprop used to start afresh when the file could not be read, and then
    /// replaced it).
    func testUnreadableCheckpointIsRefusedNotReplaced() throws {
        let folder = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let (train, test) = BuiltinTask.split(seed: 2, train: 20, test: 10)
        var c = BackpropConfiguration.paperMNIST
        (c.hidden, c.epochs) = (4, 1)
        XCTAssertThrowsError(try BackpropRun(configuration: c, train: train, test: test, checkpointPath: folder, resume: true)) {
            XCTAssertTrue("\($0)".contains(folder) && "\($0)".contains("folder"), "\($0)")
        }
        var b = BeliefNetConfiguration()
        (b.layers, b.epochs) = ([4], 1)
        XCTAssertThrowsError(try BeliefNetRun(configuration: b, train: train, test: test, checkpointPath: folder, resume: true))
        XCTAssertThrowsError(
            try EqPropRun(configuration: EqPropConfiguration.preset(task: "xor"), task: EqPropTask.named("xor", seed: 1, data: nil, trainLimit: nil, testLimit: nil), checkpointPath: folder, resume: true))
    }

    func testIdealWeightsResumeExactly() throws {
        let data = prototypeDataset(examples: 60, features: 8, classes: 3, seed: 2)
        var c = BackpropConfiguration()
        (c.method, c.feedback, c.levels, c.batch, c.hidden, c.epochs, c.learningRate) = (.absmin, .const, 20, 7, 6, 3, 0.01)
        try assertResumeIsExact(c, train: data, test: data)
    }

    /// With stochastic rounding the checkpoint also carries the dither generator.
    func testIdealWeightsWithStochasticRoundingResumeExactly() throws {
        let data = prototypeDataset(examples: 60, features: 8, classes: 3, seed: 3)
        var c = BackpropConfiguration()
        (c.method, c.levels, c.rounding, c.batch, c.hidden, c.epochs, c.learningRate) = (.absmin, 20, .stochastic, 7, 6, 3, 0.01)
        try assertResumeIsExact(c, train: data, test: data)
    }

    /// Float weights alone lose the low bits of the device states; the checkpoint keeps them.
    func testDeviceWeightsResumeExactlyWithTheAnalyticEngine() throws {
        var c = BackpropConfiguration.builtinTask
        c.epochs = 3
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 20)
        try assertResumeIsExact(c, train: train, test: test, hardware: CrossbarHardware(engine: .analytic))
    }

    /// Pairs with unidirectional updates, refresh, stochastic rounding and c2c noise: the
    /// refresh counters, the dither and noise generators continue exactly where they stopped.
    func testPairRunsWithRefreshResumeExactly() throws {
        var c = BackpropConfiguration.builtinTask
        (c.weights, c.update, c.refreshEvery, c.refreshSaturation, c.rounding, c.c2c, c.epochs) =
            (.pair, .unidirectional, 30, 0.7, .stochastic, 0.2, 3)
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 20)
        try assertResumeIsExact(c, train: train, test: test, hardware: CrossbarHardware(engine: .analytic))
    }

    /// A checkpoint written when `--weights device` was the reference mapping's name still loads.
    func testLegacyDeviceWeightNameReadsAsReference() throws {
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        let json = String(decoding: try SnakeCaseJSON.encode(c, pretty: false), as: UTF8.self)
            .replacingOccurrences(of: "\"weights\":\"reference\"", with: "\"weights\":\"device\"")
        XCTAssertTrue(json.contains("\"device\""))
        XCTAssertEqual(try SnakeCaseJSON.decode(BackpropConfiguration.self, from: Data(json.utf8)), c)
    }

    /// Every step in ngspice, shadowed by the analytic engine (the monitor's record continues).
    func testDeviceWeightsResumeExactlyWithTheSpiceEngine() throws {
        var c = BackpropConfiguration.builtinTask
        c.epochs = 2
        let (train, test) = BuiltinTask.split(seed: 3, train: 4, test: 2)
        try assertResumeIsExact(c, train: train, test: test, hardware: CrossbarHardware(engine: .spice), compare: true)
    }

    /// A checkpoint whose weight array is shorter than its configuration says is refused with
    /// one line naming the file and the field (it crashed `--resume` before), in the layer
    /// array and in the flat `w1`/`w2` form of older checkpoints, which is still read.
    func testShortWeightArrayIsNamed() throws {
        let (train, test) = BuiltinTask.split(seed: 2, train: 8, test: 4)
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        try CircuitTraining(
            configuration: c, hardware: CrossbarHardware(), train: train, test: test, compare: false,
            checkpointPath: path, resume: false
        ).run.run()
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        c.epochs = 2
        func resumeError(network edit: (inout [String: Any]) throws -> Void) throws -> String {
            var json = try XCTUnwrap(JSONSerialization.jsonObject(with: written) as? [String: Any])
            var network = try XCTUnwrap(json["network"] as? [String: Any])
            try edit(&network)
            json["network"] = network
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
            do {
                _ = try CircuitTraining(
                    configuration: c, hardware: CrossbarHardware(), train: train, test: test, compare: false,
                    checkpointPath: path, resume: true)
                return "resumed"
            } catch {
                return "\(error)"
            }
        }
        let short = try resumeError { network in
            var layers = try XCTUnwrap(network["layers"] as? [[String: Any]])
            layers[0]["values"] = Array((layers[0]["values"] as! [Any]).prefix(5))
            network["layers"] = layers
        }
        XCTAssertEqual(short, "\(path) is not a usable checkpoint: field network.layers[0].values holds 5 values; the network needs 60")
        // The flat form of checkpoints written before the layers were an array: read, and named alike.
        func flat(_ network: inout [String: Any], keeping count: Int) throws {
            let layers = try XCTUnwrap(network.removeValue(forKey: "layers") as? [[String: Any]])
            network["w1"] = Array((layers[0]["values"] as! [Any]).prefix(count))
            network["w2"] = layers[1]["values"]
        }
        XCTAssertEqual(try resumeError { try flat(&$0, keeping: 60) }, "resumed")
        let shortFlat = try resumeError { try flat(&$0, keeping: 5) }
        XCTAssertTrue(shortFlat.hasPrefix("\(path) is not a readable checkpoint:"), shortFlat)
        XCTAssertTrue(shortFlat.contains("w1") && shortFlat.contains("holds 5 values; the network needs 60"), shortFlat)
    }

    /// The checkpoint keys are snake_case; a checkpoint written before (camelCase keys, no
    /// device states) is still read.
    func testKeysAreSnakeCaseAndOldCheckpointsStayReadable() throws {
        let data = prototypeDataset(examples: 12, features: 4, classes: 2, seed: 1)
        var c = BackpropConfiguration()
        (c.hidden, c.epochs, c.batch) = (3, 1, 4)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        let run = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: path, resume: false)
        try run.run()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"next_learning_rate\""))
        XCTAssertTrue(text.contains("\"hidden_delta_gain\""))
        XCTAssertFalse(text.contains("nextLearningRate"))

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try encoder.encode(run.checkpoint).write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("\"nextLearningRate\""))
        c.epochs = 2
        let resumed = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: path, resume: true)
        XCTAssertEqual(timeless(resumed.checkpoint).history, timeless(run.checkpoint).history)
        XCTAssertEqual(resumed.checkpoint.network, run.checkpoint.network)
    }

    /// Seeded random mutations of a device run's checkpoint (values replaced by wrong types,
    /// huge or negative numbers, arrays cut short, keys removed; bytes flipped, cut or
    /// inserted): each is refused with a ``DataError`` naming the file, or resumes and trains
    /// an epoch. A crash would end the test process. `PULSEPROP_FUZZ_ITERATIONS` runs more.
    func testMutatedCheckpointsNeverCrash() throws {
        let (train, test) = BuiltinTask.split(seed: 4, train: 6, test: 4)
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        let folder = try TestSupport.temporaryDirectory()
        let path = folder.appendingPathComponent("checkpoint.json").path
        try CircuitTraining(
            configuration: c, hardware: CrossbarHardware(), train: train, test: test, compare: false,
            checkpointPath: path, resume: false
        ).run.run()
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        c.epochs = 2
        let iterations = Int(ProcessInfo.processInfo.environment["PULSEPROP_FUZZ_ITERATIONS"] ?? "") ?? 300
        var rng = SeededGenerator(seed: 10)
        var (refused, resumed) = (0, 0)
        for _ in 0..<iterations {
            let mutated = CheckpointMutator.mutate(original, using: &rng)
            try mutated.write(to: URL(fileURLWithPath: path))
            do {
                let history = try CircuitTraining(
                    configuration: c, hardware: CrossbarHardware(), train: train, test: test, compare: false,
                    checkpointPath: path, resume: true
                ).run.run()
                // What train writes from the resumed history.
                _ = try BackpropReport.writeFiles(history: history, configuration: c, folder: folder.path)
                resumed += 1
            } catch let error as DataError {
                XCTAssertEqual(error.path, path)
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
                refused += 1
            } catch let error as RunError {
                guard case .configurationDiffers(let checkpoint, _) = error else { throw error }
                XCTAssertEqual(checkpoint, path)
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, iterations / 4)
        XCTAssertGreaterThan(resumed, 0)
    }
}

/// Random damage to a JSON file, drawn from a seeded generator.
enum CheckpointMutator {
    static func mutate(_ data: Data, using rng: inout SeededGenerator) -> Data {
        if Bool.random(using: &rng), let json = try? JSONSerialization.jsonObject(with: data) {
            let damaged = mutateValue(json, depth: 0, using: &rng)
            if JSONSerialization.isValidJSONObject(damaged), let out = try? JSONSerialization.data(withJSONObject: damaged) {
                return out
            }
        }
        var bytes = [UInt8](data)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &rng) }
            case 1: bytes = Array(bytes.prefix(at))
            case 2: bytes.insert(contentsOf: Array("9e999,-1,[],\"x\"".utf8).shuffled(using: &rng).prefix(3), at: min(at, bytes.count))
            default: if at < bytes.count { bytes.remove(at: at) }
            }
        }
        return Data(bytes)
    }

    /// Replaces one randomly chosen value somewhere under `value` (a structural mutation).
    private static func mutateValue(_ value: Any, depth: Int, using rng: inout SeededGenerator) -> Any {
        let descend = depth < 6 && Int.random(in: 0..<4, using: &rng) != 0
        if var object = value as? [String: Any], !object.isEmpty, descend {
            let key = object.keys.sorted().randomElement(using: &rng)!
            if Int.random(in: 0..<8, using: &rng) == 0 {
                object[key] = nil
            } else {
                object[key] = mutateValue(object[key]!, depth: depth + 1, using: &rng)
            }
            return object
        }
        if var array = value as? [Any], !array.isEmpty, descend {
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: return Array(array.prefix(Int.random(in: 0..<array.count, using: &rng)))
            case 1: return array + [array[0]]
            default:
                let i = Int.random(in: 0..<array.count, using: &rng)
                array[i] = mutateValue(array[i], depth: depth + 1, using: &rng)
                return array
            }
        }
        let replacements: [Any] = [
            -1, 0, 2, 1e300, -1e300, 4_294_967_295, Int.max, "text", [Any](), [String: Any](), NSNull(), 0.5, true,
            [[0.5, 0.5], [0.5]],
        ]
        return replacements.randomElement(using: &rng)!
    }
}
