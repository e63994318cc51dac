import XCTest

@testable import PulseProp

/// A small synthetic classification set: noisy copies of one prototype per class.
func prototypeDataset(examples: Int, features: Int, classes: Int, seed: UInt64) -> Dataset {
    var rng = SeededGenerator(seed: seed)
    let prototypes = (0..<classes).map { _ in (0..<features).map { _ in Float.random(in: 0...1, using: &rng) } }
    var inputs: [Float] = []
    var labels: [Int] = []
    for k in 0..<examples {
        let c = k % classes
        labels.append(c)
        inputs += prototypes[c].map { min(max($0 + Float.random(in: -0.2...0.2, using: &rng), 0), 1) }
    }
    return Dataset(inputs: inputs, labels: labels, features: features, classes: classes)
}

final class LearningTests: XCTestCase {
    func configuration(_ method: UpdateMethod, _ feedback: FeedbackKind, levels: Int, batch: Int) -> BackpropConfiguration {
        var c = BackpropConfiguration()
        c.method = method
        c.feedback = feedback
        c.levels = levels
        c.batch = batch
        c.hidden = 6
        return c
    }

    /// One `times`/transposed update equals −η times the finite-difference gradient of the
    /// summed cross-entropy, for both activations.
    func testTimesTransposedFollowsTheGradient() throws {
        for activation in Activation.allCases {
            let data = prototypeDataset(examples: 4, features: 5, classes: 3, seed: 3)
            var c = configuration(.times, .transposed, levels: 0, batch: 4)
            c.activation = activation
            var rng = SeededGenerator(seed: 9)
            let network = Network(inputs: 5, hidden: 6, outputs: 3, activation: activation, feedback: .transposed, using: &rng)
            let rate = 1e-3
            let trainer = BackpropTrainer(configuration: c, network: network, weightUpdater: IdealWeightUpdater(method: .times, encoding: nil))
            _ = try trainer.trainEpoch(on: data, order: [0, 1, 2, 3], rate: rate)
            func totalLoss(_ n: Network) throws -> Double {
                try BackpropTrainer(configuration: c, network: n, weightUpdater: IdealWeightUpdater(method: .times, encoding: nil))
                    .evaluate(on: data).loss * Double(data.count)
            }
            for (layer, count) in [(1, network.layers[0].values.count), (2, network.layers[1].values.count)] {
                for k in stride(from: 0, to: count, by: 3) {
                    let eps: Float = 1e-2
                    var plus = network
                    var minus = network
                    if layer == 1 { plus.layers[0].values[k] += eps; minus.layers[0].values[k] -= eps } else { plus.layers[1].values[k] += eps; minus.layers[1].values[k] -= eps }
                    let numeric = (try totalLoss(plus) - totalLoss(minus)) / Double(2 * eps)
                    let before = layer == 1 ? network.layers[0].values[k] : network.layers[1].values[k]
                    let after = layer == 1 ? trainer.network.layers[0].values[k] : trainer.network.layers[1].values[k]
                    let analytic = Double(before - after) / rate
                    XCTAssertEqual(analytic, numeric, accuracy: 2e-3 + 0.02 * abs(numeric), "\(activation) w\(layer)[\(k)]")
                }
            }
        }
    }

    /// The absmin update equals Σ_b sign(x·δ)·min(|x|, |δ|) for continuous signals and, with
    /// an encoding, Σ_b q_δ·sign(n_δ)·min(n_x, |n_δ|): the coincident pulses of the circuit's
    /// counts, one weight step `η·q_δ` each (with a shared quantum: min(x̂, |δ̂|)). `times`
    /// with an encoding is Σ_b (n_x·q_x)·(n_δ·q_δ).
    func testUpdatesOfDiscretisedSignalsFollowThePulseCounts() throws {
        let encodings: [PulseEncoding?] = [
            nil, PulseEncoding(levels: 100), PulseEncoding(levels: 20), PulseEncoding(levels: 7),
            PulseEncoding(levels: 20, quantisation: .separate), PulseEncoding(levels: 100, quantisation: .separate),
            PulseEncoding(levels: 20, rounding: .floor), PulseEncoding(levels: 20, quantisation: .separate, rounding: .floor),
        ]
        for (k, encoding) in encodings.enumerated() {
            for method in UpdateMethod.allCases {
                var rng = SeededGenerator(seed: UInt64(k) + 1)
                let network = Network(inputs: 9, hidden: 5, outputs: 4, activation: .relu, feedback: .transposed, using: &rng)
                let batch = 6
                var buffers = ForwardBuffers(capacity: batch, network: network)
                for b in 0..<batch {
                    for i in 0..<9 { buffers.input[b * 10 + i] = i % 3 == 0 ? 0 : Float.random(in: 0...6, using: &rng) }
                    for j in 0..<5 { buffers.hiddenActivity[b * 6 + j] = Float.random(in: 0...6, using: &rng) }
                }
                let hiddenDelta = (0..<(batch * 5)).map { _ in Float.random(in: -1.5...2.5, using: &rng) }
                let outputDelta = (0..<(batch * 4)).map { _ in Float.random(in: -1.5...2.5, using: &rng) }
                var updated = network
                let rate: Float = 0.5
                try IdealWeightUpdater(method: method, encoding: encoding).update(
                    &updated, buffers: buffers, outputDelta: outputDelta, hiddenDelta: hiddenDelta, count: batch, rate: rate)
                func rule(_ x: Float, _ delta: Float) -> Double {
                    guard let e = encoding else {
                        let (xv, dv) = (Double(x), Double(delta))
                        return method == .times ? xv * dv : (dv < 0 ? -1 : 1) * min(xv, abs(dv))
                    }
                    let (nx, nd) = (e.count(x: Double(x)), e.count(delta: Double(delta)))
                    switch method {
                    case .times: return Double(nx) * e.xQuantum * Double(nd) * e.deltaQuantum
                    case .absmin: return e.deltaQuantum * Double(nd.signum() * min(nx, abs(nd)))
                    }
                }
                func check(_ before: [Float], _ after: [Float], x: [Float], xStride: Int, delta: [Float], cols: Int) {
                    for i in 0..<xStride {
                        for j in 0..<cols {
                            let sum = (0..<batch).map { rule(x[$0 * xStride + i], delta[$0 * cols + j]) }.reduce(0, +)
                            let change = Double(after[i * cols + j] - before[i * cols + j])
                            XCTAssertEqual(change, -Double(rate) * sum, accuracy: 1e-4, "\(method) \(String(describing: encoding)) (\(i),\(j))")
                        }
                    }
                }
                check(network.layers[0].values, updated.layers[0].values, x: buffers.input, xStride: 10, delta: hiddenDelta, cols: 5)
                check(network.layers[1].values, updated.layers[1].values, x: buffers.hiddenActivity, xStride: 6, delta: outputDelta, cols: 4)
            }
        }
    }

    /// One example at 20 levels, separate quanta (q_x = 0.25, q_δ = 0.15), worked by hand:
    /// x = (1.1, 0.3) → n_x = (4, 1), δ = (0.4, −0.5) → n_δ = (3, −3).
    /// times: Δw = −η·(0.25·n_x)·(0.15·n_δ); absmin: Δw = −η·0.15·sign(n_δ)·min(n_x, |n_δ|).
    func testSeparateQuantaUpdateWorkedByHand() throws {
        let expected: [UpdateMethod: [Float]] = [
            .times: [-0.45, 0.45, -0.1125, 0.1125],  // 0.0375·(12, −12, 3, −3)
            .absmin: [-0.45, 0.45, -0.15, 0.15],  // 0.15·(3, −3, 1, −1)
        ]
        for method in UpdateMethod.allCases {
            var rng = SeededGenerator(seed: 1)
            var network = Network(inputs: 1, hidden: 2, outputs: 2, activation: .relu, feedback: .transposed, using: &rng)
            network.layers[1].values = [Float](repeating: 0, count: 6)
            var buffers = ForwardBuffers(capacity: 1, network: network)
            buffers.hiddenActivity[0] = 1.1
            buffers.hiddenActivity[1] = 0.3
            buffers.hiddenActivity[2] = 0  // no bias input, so its row stays put
            try IdealWeightUpdater(method: method, encoding: PulseEncoding(levels: 20, quantisation: .separate)).update(
                &network, buffers: buffers, outputDelta: [0.4, -0.5], hiddenDelta: [0, 0], count: 1, rate: 1)
            for (k, value) in expected[method]!.enumerated() {
                XCTAssertEqual(network.layers[1].values[k], value, accuracy: 1e-6, "\(method) weight \(k)")
            }
            XCTAssertEqual(Array(network.layers[1].values[4...]), [0, 0])
        }
    }

    /// The shared quantum, rounded to nearest, is bit for bit the update from before
    /// quantisation became a choice: `q·round(clip(v)·(1/q))` in Float, then the same kernels
    /// for `times`; for `absmin`, the coincident pulses `Σ_b clamp(n_δ, −n_x, n_x)` counted in
    /// whole numbers and priced once, `W −= η·(count·q)` (which is the float kernel's sum of the
    /// values `n·q` whenever those sums are exact, as at 20 levels, `q = 1/4`).
    func testSharedNearestUpdateIsUnchangedBitForBit() throws {
        for (levels, method) in [(20, UpdateMethod.times), (20, .absmin), (100, .times), (100, .absmin), (7, .absmin)] {
            var rng = SeededGenerator(seed: UInt64(levels))
            let network = Network(inputs: 30, hidden: 8, outputs: 5, activation: .relu, feedback: .transposed, using: &rng)
            let batch = 10
            var buffers = ForwardBuffers(capacity: batch, network: network)
            for k in 0..<(batch * 31) { buffers.input[k] = Float.random(in: -0.5...5.5, using: &rng) }
            for k in 0..<(batch * 9) { buffers.hiddenActivity[k] = Float.random(in: -0.5...5.5, using: &rng) }
            let hiddenDelta = (0..<(batch * 8)).map { _ in Float.random(in: -1.5...2.5, using: &rng) }
            let outputDelta = (0..<(batch * 5)).map { _ in Float.random(in: -1.5...2.5, using: &rng) }
            var updated = network
            let rate: Float = 1e-3
            try IdealWeightUpdater(method: method, encoding: PulseEncoding(levels: levels)).update(
                &updated, buffers: buffers, outputDelta: outputDelta, hiddenDelta: hiddenDelta, count: batch, rate: rate)

            let q = Float(5 / Double(levels))
            func old(_ values: [Float], _ lower: Float, _ upper: Float) -> [Float] {
                values.map { (min(max($0, lower), upper) * (1 / q)).rounded(.toNearestOrEven) * q }
            }
            func oldUpdate(_ weights: [Float], x: [Float], rows: Int, delta: [Float], cols: Int) -> [Float] {
                var w = weights
                let (xs, ds) = (old(x, 0, 5), old(delta, -1, 2))
                switch method {
                case .times:
                    Kernels.gemm(transA: true, m: rows, n: cols, k: batch, alpha: -rate, a: xs, lda: rows, b: ds, ldb: cols, beta: 1, c: &w, ldc: cols)
                case .absmin:
                    for i in 0..<rows {
                        var counts = [Int](repeating: 0, count: cols)
                        for b in 0..<batch where xs[b * rows + i] != 0 {
                            let nx = Int((xs[b * rows + i] / q).rounded())
                            for j in 0..<cols {
                                let nd = Int((ds[b * cols + j] / q).rounded())
                                counts[j] += min(max(nd, -nx), nx)
                            }
                        }
                        if (0..<batch).allSatisfy({ xs[$0 * rows + i] == 0 }) { continue }
                        for j in 0..<cols { w[i * cols + j] += -rate * (Float(counts[j]) * q) }
                    }
                    if levels == 20 {
                        var floats = weights
                        Kernels.rowUpdate(
                            .absmin, x: xs, xStride: rows, delta: ds, batch: batch, rows: 0..<rows, cols: cols,
                            scale: -rate, weights: &floats)
                        XCTAssertEqual(floats, w, "absmin at q = 1/4: counts and float sums agree")
                    }
                }
                return w
            }
            XCTAssertEqual(updated.layers[1].values, oldUpdate(network.layers[1].values, x: buffers.hiddenActivity, rows: 9, delta: outputDelta, cols: 5), "\(method) L\(levels)")
            XCTAssertEqual(updated.layers[0].values, oldUpdate(network.layers[0].values, x: buffers.input, rows: 31, delta: hiddenDelta, cols: 8), "\(method) L\(levels)")
        }
    }

    func testLearningRateRule() {
        let s = LearningRateSchedule()
        XCTAssertEqual(s.next(rate: 1e-4, previous: nil, current: 0.5), 1e-4)
        XCTAssertEqual(s.next(rate: 1e-4, previous: 0.5, current: 0.4), 1.1e-4, accuracy: 1e-12)
        XCTAssertEqual(s.next(rate: 1e-4, previous: 0.4, current: 0.5), 0.7e-4, accuracy: 1e-12)
        XCTAssertEqual(s.next(rate: 1e-4, previous: 0.4, current: 0.4), 1e-4)
    }

    /// Every one of the paper's twelve settings learns a small problem: the loss falls and the
    /// error ends far below chance (2/3 for three classes).
    func testEveryTable1SettingLearns() throws {
        let data = prototypeDataset(examples: 120, features: 12, classes: 3, seed: 5)
        for cell in Table1.cells {
            var c = cell.configuration
            c.hidden = 32
            c.batch = 10
            c.epochs = 30
            c.learningRate = 0.003
            let run = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false)
            let initial = try BackpropTrainer(
                configuration: c, network: run.checkpoint.network,
                weightUpdater: IdealWeightUpdater(method: c.method, encoding: c.encoding)
            ).evaluate(on: data)
            let final = try run.run().last!
            XCTAssertLessThan(final.testLoss, 0.8 * initial.loss, "\(c.ruleName): loss did not fall")
            XCTAssertLessThan(final.testError, 0.3, "\(c.ruleName): error \(final.testError) (chance 0.67)")
        }
    }

    /// The same seed gives a bitwise identical run; resuming a checkpoint gives the run that
    /// never stopped.
    /// A configuration written before a field existed decodes with that field's default.
    func testOlderConfigurationFilesStayReadable() throws {
        let old = #"{"method":"absmin","feedback":"const","levels":20,"hidden":50,"activation":"relu","epochs":7,"batch":10,"seed":3,"learningRate":0.01,"weights":"ideal","xMax":5,"deltaMin":-1,"deltaMax":2}"#
        let c = try JSONDecoder().decode(BackpropConfiguration.self, from: Data(old.utf8))
        XCTAssertEqual(c.method, .absmin)
        XCTAssertEqual(c.levels, 20)
        XCTAssertEqual(c.hiddenDeltaGain, 1)
        XCTAssertEqual(c.quantisation, .shared)
        XCTAssertEqual(c.rounding, .nearest)
        XCTAssertEqual(c.encoding, PulseEncoding(levels: 20))
        XCTAssertEqual(c.weightRange, 1)
        var expected = BackpropConfiguration()
        (expected.method, expected.feedback, expected.levels, expected.hidden) = (.absmin, .const, 20, 50)
        (expected.epochs, expected.batch, expected.seed, expected.learningRate) = (7, 10, 3, 0.01)
        // Configurations from before per-layer variation patterns drew one shared pattern.
        expected.variationPattern = .shared
        // … and programmed pairs with the lower device at 0.
        expected.pairStart = .low
        XCTAssertEqual(c, expected)
        XCTAssertEqual(try JSONDecoder().decode(BackpropConfiguration.self, from: JSONEncoder().encode(BackpropConfiguration.builtinTask)), .builtinTask)
    }

    func testDeterministicAndResumable() throws {
        let data = prototypeDataset(examples: 60, features: 8, classes: 3, seed: 2)
        var c = configuration(.absmin, .const, levels: 20, batch: 7)
        c.epochs = 4
        c.learningRate = 0.01
        let straight = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false)
        try straight.run()
        let again = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false)
        try again.run()
        XCTAssertEqual(straight.checkpoint.network, again.checkpoint.network)

        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        var first = c
        first.epochs = 2
        try BackpropRun(configuration: first, train: data, test: data, checkpointPath: path, resume: false).run()
        let resumed = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: path, resume: true)
        XCTAssertEqual(resumed.checkpoint.history.count, 2)
        try resumed.run()
        XCTAssertEqual(resumed.checkpoint.network, straight.checkpoint.network)
        XCTAssertEqual(resumed.checkpoint.history.map(\.testError), straight.checkpoint.history.map(\.testError))

        var other = c
        other.method = .times
        XCTAssertThrowsError(try BackpropRun(configuration: other, train: data, test: data, checkpointPath: path, resume: true)) {
            XCTAssertTrue(String(describing: $0).contains("another configuration"))
        }
    }
}

final class DeviceWeightTests: XCTestCase {
    /// Weights held by device states through the analytic engine still learn the small
    /// problem, and the network's weights always equal the mapped device states.
    func testDeviceWeightsLearnThroughTheAnalyticEngine() throws {
        let data = prototypeDataset(examples: 120, features: 12, classes: 3, seed: 5)
        var c = BackpropConfiguration()
        c.method = .absmin
        c.levels = 20
        c.weights = .reference
        c.hidden = 32
        c.batch = 10
        c.epochs = 6
        c.learningRate = 1
        let hardware = CrossbarHardware()
        var updater: DeviceWeightUpdater?
        let run = try BackpropRun(configuration: c, train: data, test: data, checkpointPath: nil, resume: false) {
            updater = try hardware.updater(for: $0.network, configuration: c)
            return updater!
        }
        let history = try run.run()
        XCTAssertLessThan(history.map(\.testError).min()!, 0.3, "\(history.map(\.testError))")
        let mapping = WeightMapping(maxWeight: c.weightRange)
        XCTAssertEqual(run.checkpoint.network.layers[0].values, updater!.states[0].elements.map(mapping.weight(state:)))
        XCTAssertGreaterThan(updater!.stepsApplied, 0)
    }

    func testDeviceWeightsNeedPulsesAndTheCoincidenceRule() {
        var c = BackpropConfiguration()
        c.weights = .reference
        c.method = .absmin
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "levels") }
        c.levels = 20
        c.method = .times
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "method") }
    }
}
