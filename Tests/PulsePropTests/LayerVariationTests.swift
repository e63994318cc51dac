import Foundation
import XCTest

@testable import PulseProp

/// Each layer's crossbar draws its own device-to-device pattern (issue 30, item 3); runs
/// begun with the shared pattern keep it.
final class LayerVariationTests: XCTestCase {
    private let variation = DeviceVariation(d2d: 0.1, stuckOn: 0.02, stuckOff: 0.02, seed: 5)

    /// The devices the updater's engines hold for a [9-6-4] network's two crossbars.
    private func patterns(_ pattern: VariationPattern) throws -> [DevicePopulation] {
        var c = BackpropConfiguration.builtinTask
        c.variationPattern = pattern
        var generator = SeededGenerator(seed: 1)
        let network = Network(inputs: 9, hidden: 6, outputs: 4, activation: .sigmoid, feedback: .transposed, using: &generator)
        let hardware = CrossbarHardware(circuit: CrossbarCircuit(variation: variation))
        let updater = try hardware.updater(for: network, configuration: c)
        // The same 6×4 corner of each crossbar.
        return updater.engines.map { $0.circuit.population(rows: 6, cols: 4) }
    }

    func testLayersDrawTheirOwnPatternReproducibly() throws {
        let perLayer = try patterns(.perLayer)
        XCTAssertNotEqual(perLayer[0].instances, perLayer[1].instances)
        XCTAssertEqual(try patterns(.perLayer).map(\.instances), perLayer.map(\.instances))
        // Layer 0 keeps the pattern the seed always gave it.
        XCTAssertEqual(perLayer[0].instances, CrossbarCircuit(variation: variation).population(rows: 6, cols: 4).instances)
        let shared = try patterns(.shared)
        XCTAssertEqual(shared[0].instances, shared[1].instances)
    }

    /// A configuration written before the choice existed reads as shared; a new one is per layer.
    func testOldConfigurationsReadAsShared() throws {
        let c = BackpropConfiguration.builtinTask
        XCTAssertEqual(c.variationPattern, .perLayer)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: SnakeCaseJSON.encode(c, pretty: false)) as? [String: Any])
        XCTAssertEqual(object.removeValue(forKey: "variation_pattern") as? String, "per-layer")
        let old = try SnakeCaseJSON.decode(BackpropConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.variationPattern, .shared)
    }

    /// A run begun with the shared pattern, resumed by a command that would start a new run
    /// per layer, continues as it ran: the same bits as two epochs straight with shared patterns.
    func testASharedPatternRunResumesAsItRan() throws {
        var shared = BackpropConfiguration.builtinTask
        (shared.variationPattern, shared.epochs) = (.shared, 2)
        let hardware = CrossbarHardware(circuit: CrossbarCircuit(variation: variation))
        let (train, test) = BuiltinTask.split(seed: 2, train: 30, test: 10)
        func run(_ c: BackpropConfiguration, path: String?, resume: Bool) throws -> BackpropRun {
            let training = try CircuitTraining(
                configuration: c, hardware: hardware, train: train, test: test, compare: false, checkpointPath: path, resume: resume)
            try training.run.run()
            return training.run
        }
        let straight = try run(shared, path: nil, resume: false)
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        var first = shared
        first.epochs = 1
        _ = try run(first, path: path, resume: false)
        var requested = shared
        requested.variationPattern = .perLayer
        let resumed = try run(requested, path: path, resume: true)
        XCTAssertEqual(resumed.checkpoint.configuration.variationPattern, .shared)
        XCTAssertEqual(timeless(resumed.checkpoint), timeless(straight.checkpoint))
        let perLayer = try run(requested, path: nil, resume: false)
        XCTAssertNotEqual(perLayer.checkpoint.devices, straight.checkpoint.devices)
    }

    /// Bidirectional pairs start centred on mid-range (`x± = ½ ± w/(2·w_max)`), unidirectional
    /// ones with the lower device at 0; both hold the same weights, and configurations from
    /// before the choice read as `low`.
    func testPairsStartWhereTheirUpdatesHaveRoom() throws {
        let mapping = WeightMapping(.pair, maxWeight: 2)
        let w: [Float] = [1, -0.5, 0, 2]
        let centred = mapping.states(weights: w, rows: 2, cols: 2, start: .centred)
        XCTAssertEqual(centred.elements, [0.75, 0.25, 0.375, 0.625, 0.5, 0.5, 1, 0])
        XCTAssertEqual(mapping.weights(of: centred), w)
        let low = mapping.states(weights: w, rows: 2, cols: 2, start: .low)
        XCTAssertEqual(low.elements, [0.5, 0, 0, 0.25, 0, 0, 1, 0])
        XCTAssertEqual(mapping.weights(of: low), w)
        var c = BackpropConfiguration.builtinTask
        c.weights = .pair
        XCTAssertEqual(c.resolvedPairStart, .centred)
        c.update = .unidirectional
        XCTAssertEqual(c.resolvedPairStart, .low)
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: SnakeCaseJSON.encode(c, pretty: false)) as? [String: Any])
        XCTAssertEqual(object.removeValue(forKey: "pair_start") as? String, "by-update")
        c.update = .bidirectional
        object["update"] = "bidirectional"
        let old = try SnakeCaseJSON.decode(BackpropConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(old.resolvedPairStart, .low)
    }
}
