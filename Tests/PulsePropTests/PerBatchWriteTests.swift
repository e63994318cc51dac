import Foundation
import XCTest

@testable import PulseProp

/// `--write per-batch` for backprop device weights (issue 30, item 1): a minibatch's summed
/// absmin update per device becomes one net pulse count, potentiation and depression cancel
/// before any pulse, stochastic rounding is unbiased, resume stays bit-exact, and
/// per-example stays the default.
final class PerBatchWriteTests: XCTestCase {
    /// `q = 1/8`: every signal below is a whole number of quanta, exactly representable.
    private let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 1)

    /// A 2×1 layer and two examples. Example 1: `x = (3q, 2q)`, `δ = +5q` → `+3`, `+2`.
    /// Example 2: `x = (2q, 2q)`, `δ = −2q` → `−2`, `−2`. Net: device (0, 0) `+1`,
    /// device (1, 0) `0` (no pulse).
    private let signals = LayerSignals(layer: 0, x: [0.375, 0.25, 0.25, 0.25], xStride: 2, delta: [0.625, -0.25], cols: 1)

    private func updater(
        _ kind: WeightMapping.Kind, scheme: UpdateScheme = .bidirectional, write: DeviceWrite = .perBatch,
        rounding: PulseRounding = .nearest
    ) throws -> (DeviceWeightUpdater, [WeightLayer]) {
        var encoding = encoding
        encoding.rounding = rounding
        let layers = [WeightLayer(rows: 2, cols: 1, values: [0.25, 0.25])]
        let updater = try DeviceWeightUpdater(
            layers: layers, engines: [CrossbarHardware().analyticEngine()], encoding: encoding,
            mapping: WeightMapping(kind, maxWeight: 1), scheme: scheme, write: write)
        return (updater, layers)
    }

    func testNetQuantaOfACancellingMinibatchAreTheHandDerivedCounts() {
        let quanta = DeviceWeightUpdater.netQuanta(signals, count: 2, gain: 1, encoding: encoding)
        XCTAssertEqual(quanta.elements, [1, 0])
        // One example alone: its own coincidences.
        XCTAssertEqual(DeviceWeightUpdater.netQuanta(signals, count: 1, gain: 1, encoding: encoding).elements, [3, 2])
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(DeviceWeightUpdater.netCounts(quanta, rounding: .nearest, dither: &generator).dense.elements, [1, 0])
    }

    /// Reference devices: one row step, one depression coincidence on device (0, 0); device
    /// (1, 0), whose +2 and −2 cancel, gets no pulse. Per-example sends all 9 coincidences.
    func testReferenceDevicesGetOnlyTheNetPulse() throws {
        let (updater, start) = try updater(.reference)
        var events: [DeviceStepEvent] = []
        updater.observer = { events.append($0) }
        var layers = start
        try updater.update(&layers, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0].step.coincidenceMatrix.elements, [-1, 0])
        XCTAssertEqual(events[0].step.rowCounts, [1, 0])
        XCTAssertLessThan(updater.states[0][0, 0], events[0].before[0, 0])
        XCTAssertEqual(updater.states[0][1, 0], events[0].before[1, 0])
        XCTAssertLessThan(layers[0].values[0], start[0].values[0])

        let (perExample, _) = try self.updater(.reference, write: .perExample)
        var coincidences = 0
        perExample.observer = { e in coincidences += e.step.coincidenceMatrix.elements.map(abs).reduce(0, +) }
        var other = start
        try perExample.update(&other, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(coincidences, 9)
    }

    /// Pairs follow the per-example rules for which device pulses: bidirectional moves `G⁺`
    /// down and `G⁻` up by one pulse each; unidirectional potentiates `G⁻` only.
    func testPairsFollowThePairRules() throws {
        let (bidirectional, layers) = try updater(.pair)
        var steps: [LearningStep] = []
        bidirectional.observer = { steps.append($0.step) }
        var held = layers
        try bidirectional.update(&held, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(steps.map(\.coincidenceMatrix.elements), [[-1, 1, 0, 0]])

        let (unidirectional, _) = try updater(.pair, scheme: .unidirectional)
        steps = []
        unidirectional.observer = { steps.append($0.step) }
        held = layers
        try unidirectional.update(&held, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(steps.map(\.coincidenceMatrix.elements), [[0, 1, 0, 0]])
        XCTAssertEqual(steps.first?.only, .potentiation)
    }

    /// A minibatch whose every device cancels sends nothing at all.
    func testAFullyCancellingMinibatchSendsNoPulse() throws {
        let (updater, start) = try updater(.pair)
        var events = 0
        updater.observer = { _ in events += 1 }
        let cancelling = LayerSignals(layer: 0, x: [0.25, 0.5, 0.25, 0.5], xStride: 2, delta: [0.75, -0.75], cols: 1)
        var layers = start
        try updater.update(&layers, signals: [cancelling], count: 2, rate: 1)
        XCTAssertEqual(events, 0)
        XCTAssertEqual(updater.stepsApplied, 0)
        XCTAssertEqual(layers[0].values, start[0].values)
    }

    /// The summed update is split into fixed blocks of rows between threads: the same sums,
    /// bit for bit, on 1, 2 and 3 threads, and each equal to the absmin sum written out here
    /// in example order (rows beyond one block, sparse x, zero δ).
    func testNetQuantaAreTheSameOnAnyNumberOfThreads() throws {
        var rng = SeededGenerator(seed: 19)
        let (rows, cols, batch) = (150, 7, 9)
        let x = (0..<rows * batch).map { _ in Bool.random(using: &rng) ? 0 : Float.random(in: 0..<1, using: &rng) }
        let delta = (0..<cols * batch).map { k in k % 5 == 0 ? 0 : Float.random(in: -1..<1, using: &rng) }
        let layer = LayerSignals(layer: 0, x: x, xStride: rows, delta: delta, cols: cols)
        let one = DeviceWeightUpdater.netQuanta(layer, count: batch, gain: 1, encoding: encoding, threads: 1)
        for threads in [2, 3] {
            XCTAssertEqual(DeviceWeightUpdater.netQuanta(layer, count: batch, gain: 1, encoding: encoding, threads: threads).elements, one.elements)
        }
        let (qx, qd) = (encoding.xQuantum, encoding.deltaQuantum)
        for i in 0..<rows {
            for j in 0..<cols {
                var sum: Float = 0
                for b in 0..<batch {
                    let a = Float(min(max(Double(x[b * rows + i]), 0), encoding.xMax) / qx)
                    let v = Double(delta[b * cols + j])
                    let d = v == 0 ? 0 : Float(min(max(v, encoding.deltaMin), encoding.deltaMax) / qd)
                    sum += (d < 0 ? -1 : 1) * min(a, abs(d))
                }
                XCTAssertEqual(one[i, j], sum, accuracy: 1e-5 * max(1, abs(sum)), "(\(i), \(j))")
            }
        }
    }

    /// Summed from x's row lists (a sparse dataset's inputs) the quanta are those summed from
    /// a scan of x, bit for bit, on 1 and 2 threads, negative x (zero quanta) included.
    func testNetQuantaFromRowListsEqualThoseFromAScan() throws {
        var rng = SeededGenerator(seed: 29)
        let (rows, cols, batch) = (300, 9, 7)
        let x = (0..<rows * batch).map { k -> Float in
            if k % 4 != 0 { return 0 }
            return k % 24 == 0 ? -Float.random(in: 0..<1, using: &rng) : Float.random(in: 0..<1, using: &rng)
        }
        let delta = (0..<cols * batch).map { _ in Float.random(in: -1..<1, using: &rng) }
        let lists = Kernels.SparseLists()
        lists.reserve(lists: batch, room: rows)
        x.withUnsafeBufferPointer { lists.buildRows(of: $0.baseAddress!, xStride: rows, examples: 0..<batch) }
        let scanned = DeviceWeightUpdater.netQuanta(
            LayerSignals(layer: 0, x: x, xStride: rows, delta: delta, cols: cols), count: batch, gain: 1.7, encoding: encoding)
        XCTAssertTrue(scanned.elements.contains { $0 != 0 })
        for threads in [1, 2] {
            let listed = DeviceWeightUpdater.netQuanta(
                LayerSignals(layer: 0, x: x, xStride: rows, delta: delta, cols: cols, xLists: lists), count: batch, gain: 1.7,
                encoding: encoding, threads: threads)
            XCTAssertEqual(listed.elements.map(\.bitPattern), scanned.elements.map(\.bitPattern), "\(threads) threads")
        }
    }

    /// Stochastic net counts draw one dither per non-zero sum in row-major order, whatever
    /// the blocks of rows the rounding is split into and the threads that share them: equal
    /// to the rounding written out here one sum at a time (`⌊|S| + u⌋`, `u` from the next draw),
    /// the generator left where the sequential rounding leaves it. The sums span several
    /// blocks, with whole rows of zeros, scattered zeros, sums that round to no pulse,
    /// negative ones and one beyond 32-bit counts.
    func testStochasticNetCountsAreTheRowMajorDrawsOnAnyNumberOfThreads() throws {
        var rng = SeededGenerator(seed: 23)
        let (rows, cols) = (203, 11)
        let quanta = Matrix<Float>(rows: rows, cols: cols) { i, j in
            if i % 7 == 3 || (i * cols + j) % 3 == 0 { return 0 }
            if (i, j) == (1, 2) { return -3e9 }  // beyond 32-bit counts
            return Float.random(in: -3..<3, using: &rng)
        }
        var expected = SparsePulseCounts(rows: rows, cols: cols)
        var sequential = SeededGenerator(seed: 5)
        for (k, q) in quanta.elements.enumerated() where q != 0 {
            let rounded = Double(abs(q)) + Double(sequential.next() >> 11) * 0x1p-53
            guard rounded >= 1 else { continue }
            expected.append(position: k, count: q < 0 ? -Int(rounded) : Int(rounded))
        }
        XCTAssertTrue(expected.counts.contains { $0 < 0 } && expected.counts.contains { $0 > 1 }, "the test needs both signs and several pulses")
        XCTAssertLessThan(expected.counts.count, quanta.elements.filter { $0 != 0 }.count, "the test needs sums that round to nothing")
        var untouched = SeededGenerator(seed: 5)
        XCTAssertTrue(DeviceWeightUpdater.netCounts(Matrix<Float>(rows: 3, cols: 0) { _, _ in 0 }, rounding: .stochastic, dither: &untouched).isEmpty)
        XCTAssertEqual(untouched, SeededGenerator(seed: 5), "no sums, no draws")
        for threads in [1, 2, 3] {
            var dither = SeededGenerator(seed: 5)
            let counts = DeviceWeightUpdater.netCounts(quanta, rounding: .stochastic, dither: &dither, threads: threads)
            XCTAssertEqual(counts, expected, "\(threads) threads")
            var after = sequential
            XCTAssertEqual(dither.next(), after.next(), "the generator after \(threads) threads")
        }
    }

    /// Device-pair training is bit for bit the same on 1, 2 and 3 threads for every write
    /// scheme (a layer of 151 rows and 2·40 crossbar columns: several row and column blocks),
    /// with refreshes: device states, counters, generators, monitor and history.
    func testDeviceTrainingIsTheSameOnAnyNumberOfThreads() throws {
        let data = prototypeDataset(examples: 90, features: 150, classes: 3, seed: 31)
        for write in DeviceWrite.allCases {
            var c = BackpropConfiguration()
            (c.method, c.levels, c.hidden, c.batch, c.epochs, c.learningRate) = (.absmin, 20, 40, 30, 2, 0.01)
            (c.weights, c.update, c.write, c.rounding, c.refreshSaturation, c.refreshEvery) = (.pair, .unidirectional, write, .stochastic, 0.3, 90)
            if write == .accumulate { c.writeThreshold = 0.5 }
            var results: [BackpropCheckpoint] = []
            for threads in [1, 2, 3] {
                let run = try CircuitTraining(
                    configuration: c, hardware: CrossbarHardware(engine: .analytic), train: data, test: data, compare: false,
                    checkpointPath: nil, resume: false
                ).run
                run.threads = threads
                try run.run()
                results.append(timeless(run.checkpoint))
            }
            XCTAssertGreaterThan(results[0].devices?.stepsApplied ?? 0, 0, "\(write)")
            XCTAssertGreaterThan(results[0].devices?.refreshes ?? 0, 0, "\(write): the test needs refreshes")
            XCTAssertEqual(results[1], results[0], "\(write), 2 threads")
            XCTAssertEqual(results[2], results[0], "\(write), 3 threads")
        }
    }

    /// Stochastically rounded net counts are always ⌊S⌋ or ⌈S⌉ and their mean over many draws
    /// is the rule's update `S` within 5 standard errors (σ ≤ ½ per draw).
    func testStochasticNetCountsAreUnbiased() throws {
        var signalSource = SeededGenerator(seed: 7)
        let (rows, cols, batch) = (5, 3, 6)
        let layer = LayerSignals(
            layer: 0, x: (0..<rows * batch).map { _ in Float.random(in: 0..<1, using: &signalSource) }, xStride: rows,
            delta: (0..<cols * batch).map { _ in Float.random(in: -1..<1, using: &signalSource) }, cols: cols)
        var stochastic = encoding
        stochastic.rounding = .stochastic
        let quanta = DeviceWeightUpdater.netQuanta(layer, count: batch, gain: 1, encoding: stochastic)
        XCTAssertTrue(quanta.elements.contains { $0.rounded() != $0 }, "the test needs fractional sums")
        let draws = 20_000
        var sums = [Double](repeating: 0, count: quanta.elements.count)
        var dither = SeededGenerator(seed: 11)
        for _ in 0..<draws {
            let counts = DeviceWeightUpdater.netCounts(quanta, rounding: .stochastic, dither: &dither)
            for (k, (n, s)) in zip(counts.dense.elements, quanta.elements).enumerated() {
                XCTAssertTrue(Float(n) == s.rounded(.down) || Float(n) == s.rounded(.up), "count \(n) for \(s)")
                sums[k] += Double(n)
            }
        }
        let bound = 5 * 0.5 / Double(draws).squareRoot()
        for (sum, s) in zip(sums, quanta.elements) {
            XCTAssertEqual(sum / Double(draws), Double(s), accuracy: bound)
        }
    }

    /// Two epochs straight equal one epoch and a resumed one, bit for bit (device states,
    /// the dither generator, the monitor's counts), for reference and for pairs with
    /// stochastic rounding and unidirectional updates with refresh.
    func testPerBatchWritesResumeExactly() throws {
        var reference = BackpropConfiguration.builtinTask
        (reference.write, reference.batch, reference.epochs, reference.rounding) = (.perBatch, 4, 2, .stochastic)
        try assertResumeIsExact(reference)
        var pair = reference
        (pair.weights, pair.update, pair.refreshEvery, pair.refreshSaturation) = (.pair, .unidirectional, 12, 0.7)
        try assertResumeIsExact(pair)
    }

    /// Per-example is the default, configurations without the field read as per-example, and
    /// `--write` with ideal weights is refused naming it.
    func testPerExampleStaysTheDefault() throws {
        XCTAssertEqual(BackpropConfiguration().write, .perExample)
        XCTAssertEqual(BackpropConfiguration.builtinTask.write, .perExample)
        var c = BackpropConfiguration.builtinTask
        c.epochs = 1
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: SnakeCaseJSON.encode(c, pretty: false)) as? [String: Any])
        XCTAssertEqual(object.removeValue(forKey: "write") as? String, "per-example")
        let old = try JSONSerialization.data(withJSONObject: object)
        XCTAssertEqual(try SnakeCaseJSON.decode(BackpropConfiguration.self, from: old), c)

        var ideal = BackpropConfiguration()
        ideal.write = .perBatch
        XCTAssertThrowsError(try ideal.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "write") }
        ideal.weights = .reference
        (ideal.method, ideal.levels) = (.absmin, 20)
        XCTAssertNoThrow(try ideal.validate())
    }

    /// Per-batch writes change the run: with a minibatch of 4 the built-in task takes another
    /// path than per-example (fewer learning steps: one per row written per minibatch).
    func testPerBatchWritesDifferFromPerExample() throws {
        var c = BackpropConfiguration.builtinTask
        (c.batch, c.epochs) = (4, 1)
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 20)
        func steps(_ write: DeviceWrite) throws -> Int {
            c.write = write
            let training = try CircuitTraining(
                configuration: c, hardware: CrossbarHardware(engine: .analytic), train: train, test: test, compare: false)
            try training.run.run()
            return training.updater.stepsApplied
        }
        let (perExample, perBatch) = (try steps(.perExample), try steps(.perBatch))
        XCTAssertGreaterThan(perBatch, 0)
        XCTAssertNotEqual(perExample, perBatch)
    }

    /// Per-batch row steps in ngspice, shadowed by the analytic engine: the engines move every
    /// written device the same way (listed in ngspice-tests.txt).
    func testSpiceWritesPerBatchLikeTheAnalyticEngine() throws {
        var c = BackpropConfiguration.builtinTask
        (c.write, c.batch, c.epochs) = (.perBatch, 4, 1)
        let (train, test) = BuiltinTask.split(seed: 3, train: 8, test: 2)
        let training = try CircuitTraining(
            configuration: c, hardware: CrossbarHardware(engine: .spice), train: train, test: test, compare: true)
        try training.run.run()
        let stats = try XCTUnwrap(training.run.checkpoint.history.last?.circuit)
        XCTAssertGreaterThan(stats.coincidentPulses, 0)
        XCTAssertEqual(stats.directionAgreement, 1)
        XCTAssertLessThan(stats.deltaGRMSDifference, 0.01)
    }

    /// ``assertResumeIsExact(_:train:test:hardware:compare:file:line:)`` on the built-in task in
    /// the analytic engine, and the resumed run wrote per batch.
    private func assertResumeIsExact(
        _ configuration: BackpropConfiguration, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 20)
        let resumed = try assertResumeIsExact(
            configuration, train: train, test: test, hardware: CrossbarHardware(engine: .analytic), file: file, line: line)
        XCTAssertEqual(resumed.checkpoint.configuration.write, .perBatch, file: file, line: line)
        XCTAssertGreaterThan(resumed.checkpoint.devices?.stepsApplied ?? 0, 0, file: file, line: line)
    }
}
