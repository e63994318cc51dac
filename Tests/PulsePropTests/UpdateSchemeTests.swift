import XCTest

@testable import PulseProp

/// Weight mappings, update schemes, refresh and stochastic rounding of device weights.
final class UpdateSchemeTests: XCTestCase {
    /// Weights → pair states → weights returns every weight in range (to float precision),
    /// with the lower device of each pair at 0, and clips out-of-range weights to ±w_max.
    func testPairMappingRoundTrip() {
        let mapping = WeightMapping(.pair, maxWeight: 2)
        let weights: [Float] = [-2, -1.25, -0.001, 0, 0.3, 1.999, 2, 3, -7]
        let states = mapping.states(weights: weights, rows: 3, cols: 3)
        XCTAssertEqual(states.rows, 3)
        XCTAssertEqual(states.cols, 6)
        let back = mapping.weights(of: states)
        for (w, r) in zip(weights, back) {
            XCTAssertEqual(r, min(max(w, -2), 2), accuracy: 1e-6)
        }
        for k in 0..<weights.count { XCTAssertEqual(min(states.elements[2 * k], states.elements[2 * k + 1]), 0) }
        let reference = WeightMapping(.reference, maxWeight: 2)
        XCTAssertEqual(reference.weights(of: reference.states(weights: [-1, 0.5], rows: 1, cols: 2)), [-1, 0.5])
    }

    /// Unidirectional pairs: no learning step sends a depression pulse (no row or column pulse
    /// in phase 2), and the run does learn; depression pulses appear only in refresh steps.
    func testUnidirectionalNeverDepressesOutsideRefresh() throws {
        var c = BackpropConfiguration.builtinTask
        (c.weights, c.update, c.refreshEvery, c.epochs) = (.pair, .unidirectional, 25, 4)
        let (train, test) = BuiltinTask.split(seed: 4, train: 40, test: 40)
        let hardware = CrossbarHardware(engine: .analytic)
        var learningSteps = 0
        var resets = 0
        let run = try BackpropRun(configuration: c, train: train, test: test, checkpointPath: nil, resume: false) {
            let updater = try hardware.updater(for: $0.network, configuration: c)
            updater.observer = { event in
                let depression = event.step.phases.first { $0.kind == .depression }!
                let sent = depression.pulsesSent
                switch event.refresh {
                case nil:
                    learningSteps += 1
                    XCTAssertEqual(sent, 0, "a learning step sent \(sent) depression pulses")
                    for i in 0..<event.step.rows {
                        for j in 0..<event.step.cols { XCTAssertGreaterThanOrEqual(event.after[i, j], event.before[i, j]) }
                    }
                case .reset?:
                    resets += 1
                    XCTAssertGreaterThan(sent, 0)
                case .program?:
                    XCTAssertEqual(sent, 0)
                }
            }
            return updater
        }
        let history = try run.run()
        XCTAssertGreaterThan(learningSteps, 100)
        XCTAssertEqual(resets, 2 * (4 * 40 / 25), "one reset per layer every 25 examples")
        XCTAssertLessThan(history.last!.testError, 0.5, "\(history.map(\.testError))")
    }

    /// A refresh keeps every pair's weight (to within one programming pulse) and brings the
    /// lower device back near the bottom.
    func testRefreshKeepsTheWeights() throws {
        let hardware = CrossbarHardware()
        var generator = SeededGenerator(seed: 9)
        let network = Network(inputs: 6, hidden: 4, outputs: 3, activation: .sigmoid, feedback: .transposed, using: &generator)
        let encoding = PulseEncoding(levels: 10, xMax: 1, deltaMin: -1, deltaMax: 1)
        let mapping = WeightMapping(.pair, maxWeight: 1)
        let response = try hardware.analyticEngine()
        let updater = try DeviceWeightUpdater(
            layers: network.layers, engines: [hardware.analyticEngine(), hardware.analyticEngine()],
            encoding: encoding, mapping: mapping, scheme: .unidirectional, refresh: PairRefresh(every: 1000), response: response)
        // Climb both devices of every pair: errors of alternating sign potentiate G⁺, then G⁻.
        var net = network
        for round in 0..<12 {
            let sign: Float = round % 2 == 0 ? 1 : -1
            var buffers = ForwardBuffers(capacity: 1, network: network)
            buffers.input = (0..<7).map { _ in Float(0.9) }
            buffers.hiddenActivity = (0..<5).map { _ in Float(0.9) }
            try updater.update(
                &net, buffers: buffers, outputDelta: [-0.9, 0.9, -0.5].map { sign * $0 },
                hiddenDelta: [0.9, -0.9, 0.4, -0.4].map { sign * $0 }, count: 1, rate: 1)
        }
        let before = mapping.weights(of: updater.states[0])
        XCTAssertGreaterThan(updater.states[0].elements.min()!, 0.05, "both devices of every pair climbed")
        try updater.refresh(layer: 0)
        let after = mapping.weights(of: updater.states[0])
        // One potentiation pulse near the bottom is the coarsest programming step.
        let onePulse = response.state(after: 1, of: .potentiation, from: 0)
        for (b, a) in zip(before, after) { XCTAssertEqual(Double(a), Double(b), accuracy: onePulse) }
        for k in 0..<after.count {
            XCTAssertLessThan(min(updater.states[0].elements[2 * k], updater.states[0].elements[2 * k + 1]), 2e-3)
        }
        XCTAssertEqual(updater.refreshes, 1)
    }

    /// Stuck devices and refreshes: a pair with a stuck-on device and its partner above the
    /// saturation level does not trigger a refresh (a refresh cannot lower the stuck device),
    /// while the same states without the stuck device do; and a refresh keeps a stuck pair's
    /// weight by programming its free device, as it keeps every other pair's.
    func testStuckPairsKeepTheirWeightsAndNeverTriggerARefresh() throws {
        // Stuck-on devices only, many of them, so that both a pair's G⁺ and G⁻ are stuck somewhere.
        var circuit = CrossbarCircuit()
        circuit.variation = DeviceVariation(stuckOn: 0.3, seed: 5)
        let hardware = CrossbarHardware(circuit: circuit)
        let (rows, cols) = (6, 4)
        var generator = SeededGenerator(seed: 3)
        let weights = (0..<rows * cols).map { _ in Float.random(in: -0.4...0.4, using: &generator) }
        let mapping = WeightMapping(.pair, maxWeight: 1)
        let engine = try hardware.analyticEngine()
        let updater = try DeviceWeightUpdater(
            layers: [WeightLayer(rows: rows, cols: cols, values: weights)], engines: [engine],
            encoding: PulseEncoding(levels: 10, xMax: 1, deltaMin: -1, deltaMax: 1), mapping: mapping, scheme: .unidirectional,
            refresh: PairRefresh(saturation: 0.8), response: try hardware.analyticEngine())
        let stuck = engine.population(rows: rows, cols: 2 * cols).stuck
        let stuckPairs = Set(stuck.map { $0.position / 2 })
        XCTAssertFalse(stuck.isEmpty)
        XCTAssertLessThan(stuckPairs.count, rows * cols, "the test needs free pairs too")
        // Every device of a stuck pair high: stuck ones at 1, their partners at 0.9.
        var states = engine.population(rows: rows, cols: 2 * cols).pinned(updater.states[0])
        for pair in stuckPairs {
            for k in [2 * pair, 2 * pair + 1] where !stuck.contains(where: { $0.position == k }) { states.elements[k] = 0.9 }
        }
        let policy = PairRefresh(saturation: 0.8)
        XCTAssertTrue(policy.isSaturated(states), "the same states count as saturated when nothing is stuck")
        XCTAssertFalse(policy.isSaturated(states, stuck: stuckPairs))
        XCTAssertFalse(policy.isSaturated(states, written: Array(0..<states.elements.count), stuck: stuckPairs))
        XCTAssertEqual(updater.stuckPairs(layer: 0), stuckPairs)

        // Pairs whose stuck device holds the larger state: the refresh programs the free one.
        updater.states[0] = states
        let before = mapping.weights(of: updater.states[0])
        try updater.refresh(layer: 0)
        let after = mapping.weights(of: updater.states[0])
        let onePulse = engine.state(after: 1, of: .potentiation, from: 0)
        for (k, (b, a)) in zip(before, after).enumerated() {
            XCTAssertEqual(Double(a), Double(b), accuracy: onePulse, "pair \(k)\(stuckPairs.contains(k) ? " (stuck)" : "")")
        }
        XCTAssertTrue(stuckPairs.contains { abs(before[$0]) > 0.05 }, "the test needs stuck pairs holding a weight")
    }

    /// Stochastic rounding with one dither per step: every device's coincidence count has the
    /// mean `min(a, b)` of the unrounded counts (a statistical test, fixed seed: 20 000 steps,
    /// the standard error of each mean ≤ 0.0036).
    func testStochasticRoundingMeanEqualsTheIdealUpdate() throws {
        let encoding = PulseEncoding(levels: 10, xMax: 1, deltaMin: -1, deltaMax: 1, rounding: .stochastic)
        let x = [0.03, 0.27, 0.5, 0.91]  // 0.3, 2.7, 5, 9.1 quanta
        let delta = [-0.012, 0.164, -0.75]  // −0.12, 1.64, −7.5 quanta
        var generator = SeededGenerator(seed: 17)
        var sums = Matrix<Double>(rows: 4, cols: 3) { _, _ in 0 }
        let trials = 20_000
        for _ in 0..<trials {
            let step = try LearningStep(x: x, delta: delta, encoding: encoding, dither: Double.random(in: 0..<1, using: &generator))
            for i in 0..<4 { for j in 0..<3 { sums[i, j] += Double(step.coincidences(row: i, col: j)) } }
        }
        for i in 0..<4 {
            for j in 0..<3 {
                // Ideal: −sign(δ)·min(x, |δ|)/q.
                let ideal = -(delta[j] < 0 ? -1.0 : 1.0) * min(x[i], abs(delta[j])) / encoding.xQuantum
                XCTAssertEqual(sums[i, j] / Double(trials), ideal, accuracy: 0.015, "device (\(i), \(j))")
            }
        }
        // Rounding to nearest has no such mean: 0.3 quanta never sends a pulse.
        let nearest = try LearningStep(x: x, delta: delta, encoding: PulseEncoding(levels: 10, xMax: 1, deltaMin: -1, deltaMax: 1))
        XCTAssertEqual(nearest.coincidences(row: 0, col: 0), 0)
    }

    /// The matched gain makes the expected weight change of one example `η·min(x, |δ|)`,
    /// counting both devices of a bidirectional pair.
    func testMatchedGainMakesOnePulseOneDeviceStep() throws {
        let engine = try CrossbarHardware().analyticEngine()
        let encoding = PulseEncoding(levels: 20)
        let m = 0.8
        for (mapping, scheme, devicesMoved) in [
            (WeightMapping(.reference, maxWeight: 1), UpdateScheme.bidirectional, 1.0),
            (WeightMapping(.pair, maxWeight: 0.5), .bidirectional, 2),
            (WeightMapping(.pair, maxWeight: 0.5), .unidirectional, 1),
        ] {
            let gain = DeviceWeightUpdater.matchedGain(eta: 1e-4, encoding: encoding, mapping: mapping, scheme: scheme, response: engine)
            // Coincidences = gain·m/q; each moves `devicesMoved` devices by the mid-range step.
            let stepState = (engine.state(after: 1, of: .potentiation, from: 0.5) - engine.state(after: 1, of: .depression, from: 0.5)) / 2
            let weightPerState = mapping.kind == .pair ? 0.5 : 2.0
            let change = gain * m / encoding.deltaQuantum * devicesMoved * weightPerState * stepState
            XCTAssertEqual(change, 1e-4 * m, accuracy: 1e-12)
        }
    }

    func testSchemesAreRefusedWhereTheyCannotApply() {
        var c = BackpropConfiguration.builtinTask
        c.update = .unidirectional
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "update") }
        c.update = .bidirectional
        c.refreshEvery = 10
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "refresh-every") }
        var ideal = BackpropConfiguration()
        ideal.rounding = .stochastic
        ideal.method = .times
        XCTAssertThrowsError(try ideal.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "rounding") }
        ideal.method = .absmin
        XCTAssertNoThrow(try ideal.validate())
        ideal.c2c = 0.1
        XCTAssertThrowsError(try ideal.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "c2c") }
    }

    /// Float weights with stochastic rounding: one dither per example and layer shared by its
    /// `x` and `δ`, so each weight's expected change is `η·sign(δ)·min(x, |δ|)` of the unrounded
    /// signals (shared quantum; `min(⌊a+u⌋, ⌊b+u⌋) = ⌊min(a, b)+u⌋`), even below one pulse.
    func testIdealStochasticRoundingIsUnbiased() throws {
        let encoding = PulseEncoding(levels: 10, xMax: 1, deltaMin: -1, deltaMax: 1, rounding: .stochastic)
        var rng = SeededGenerator(seed: 11)
        let network = Network(inputs: 3, hidden: 2, outputs: 2, activation: .sigmoid, feedback: .transposed, using: &rng)
        let batch = 4000
        var buffers = ForwardBuffers(capacity: batch, network: network)
        let x: [Float] = [0.37, 0.04, 0.81], h: [Float] = [0.26, 0.93]
        let hiddenDelta: [Float] = [-0.55, 0.13], outputDelta: [Float] = [0.07, -0.62]
        for b in 0..<batch {
            for i in 0..<3 { buffers.input[b * 4 + i] = x[i] }
            for j in 0..<2 { buffers.hiddenActivity[b * 3 + j] = h[j] }
        }
        var updated = network
        try IdealWeightUpdater(method: .absmin, encoding: encoding, dither: SeededGenerator(seed: 5)).update(
            &updated, buffers: buffers, outputDelta: (0..<batch).flatMap { _ in outputDelta },
            hiddenDelta: (0..<batch).flatMap { _ in hiddenDelta }, count: batch, rate: 1)
        func check(_ before: [Float], _ after: [Float], x: [Float], delta: [Float]) {
            for i in 0..<x.count {
                for j in 0..<delta.count {
                    let expected = -Double((delta[j] < 0 ? -1 : 1) * min(x[i], abs(delta[j])))
                    let mean = Double(after[i * delta.count + j] - before[i * delta.count + j]) / Double(batch)
                    // One example's change is q·(⌊m/q⌋ or ⌊m/q⌋+1): std ≤ q/2 = 0.05 per example.
                    XCTAssertEqual(mean, expected, accuracy: 4 * 0.05 / Double(batch).squareRoot(), "x \(x[i]) δ \(delta[j])")
                }
            }
        }
        check(network.layers[1].values, updated.layers[1].values, x: h, delta: outputDelta)
        check(network.layers[0].values, updated.layers[0].values, x: x, delta: hiddenDelta)
    }

    /// The saturation check of an example's step sees exactly the written pairs: a pair at
    /// (0.9, 0.85) counts when its row and one of its columns pulse, and not otherwise, while
    /// the whole-crossbar scan always finds it.
    func testSaturationOfWrittenPairs() throws {
        let policy = PairRefresh(saturation: 0.8)
        var states = Matrix<Double>(rows: 3, cols: 4) { _, _ in 0.1 }
        (states[1, 2], states[1, 3]) = (0.9, 0.85)
        XCTAssertTrue(policy.isSaturated(states))
        let writing = try LearningStep(rowCounts: [0, 2, 0], columnCounts: [0, 0, 0, -1], slotsPerPhase: 2)
        XCTAssertTrue(policy.isSaturated(states, by: writing))
        let otherRow = try LearningStep(rowCounts: [2, 0, 1], columnCounts: [0, 0, -1, 1], slotsPerPhase: 2)
        XCTAssertFalse(policy.isSaturated(states, by: otherRow))
        let otherPair = try LearningStep(rowCounts: [0, 2, 0], columnCounts: [1, -1, 0, 0], slotsPerPhase: 2)
        XCTAssertFalse(policy.isSaturated(states, by: otherPair))
        // A minibatch write names its written devices by row-major position: either device
        // of the pair (1·4 + 2 or 1·4 + 3) finds it, devices of other pairs or rows do not.
        XCTAssertTrue(policy.isSaturated(states, written: [6]))
        XCTAssertTrue(policy.isSaturated(states, written: [0, 7]))
        XCTAssertFalse(policy.isSaturated(states, written: [4, 5, 10, 11]))
        XCTAssertFalse(policy.isSaturated(states, written: []))
        XCTAssertFalse(PairRefresh(saturation: 0).isSaturated(states, written: [6]))
    }
}
