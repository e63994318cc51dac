import Foundation
import XCTest

@testable import PulseProp

/// Contrastive divergence and the device writes of belief nets, against quantities derived
/// independently: exact enumeration of a tiny RBM, the conservation of accumulated counts,
/// and the pulses a device actually received.
final class BeliefNetTests: XCTestCase {
    /// Records the coincidence counts `−Σ x·δ` of every update and leaves the weights alone.
    private final class CountingUpdater: WeightUpdater {
        var sums: [Double] = []
        var batches = 0
        func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) {
            for s in signals {
                if sums.isEmpty { sums = [Double](repeating: 0, count: s.xStride * s.cols) }
                for b in 0..<count {
                    for i in 0..<s.xStride {
                        for j in 0..<s.cols { sums[i * s.cols + j] -= Double(s.x[b * s.xStride + i] * s.delta[b * s.cols + j]) }
                    }
                }
            }
            batches += 1
        }
    }

    /// A device whose state rises by `step` per potentiation pulse and falls by `step` per
    /// depression pulse (clipped to [0, 1]), counting every pulse it is sent.
    private final class LinearSpyDevice: PulseResponse {
        let step: Double
        var pulses = 0
        init(step: Double) { self.step = step }
        func state(after pulses: Int, of kind: LearningPhase.Kind, from x: Double) -> Double {
            self.pulses += pulses
            return min(max(x + (kind == .potentiation ? 1 : -1) * Double(pulses) * step, 0), 1)
        }
    }

    /// A 3-visible, 2-hidden RBM (layer 0 of a [3-2-2] net) with weights drawn at `scale`.
    private func tinyNet(scale: Double, seed: UInt64) -> BeliefNet {
        var rng = SeededGenerator(seed: seed)
        var net = BeliefNet(sizes: [3, 2, 2], classes: 2, using: &rng)
        for k in net.layers[0].values.indices where k != net.layers[0].values.count - 1 {
            net.layers[0].values[k] = Float(scale * rng.standardNormal())
        }
        return net
    }

    private let examples: [[Float]] = [[1, 0, 1], [1, 1, 0], [0, 0, 1], [1, 1, 1]]

    private func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    /// `p(h_j = 1 | v)` and `p(v_i = 1 | h)` of the tiny RBM, extended units (last = 1).
    private func hiddenProbability(_ w: WeightLayer, _ v: [Double], _ j: Int) -> Double {
        sigmoid((0..<w.rows).map { v[$0] * Double(w.values[$0 * w.cols + j]) }.reduce(0, +))
    }

    private func visibleProbability(_ w: WeightLayer, _ h: [Double], _ i: Int) -> Double {
        sigmoid((0..<w.cols).map { h[$0] * Double(w.values[i * w.cols + $0]) }.reduce(0, +))
    }

    /// Every binary vector of `n` units, extended by the constant 1.
    private func configurations(_ n: Int) -> [[Double]] {
        (0..<(1 << n)).map { code in (0..<n).map { Double((code >> $0) & 1) } + [1] }
    }

    private func probability(of units: [Double], _ p: (Int) -> Double) -> Double {
        (0..<(units.count - 1)).map { units[$0] == 1 ? p($0) : 1 - p($0) }.reduce(1, *)
    }

    /// The expected CD-1 counts `Σ_examples E[v₀h₀ᵀ − v₁h₁ᵀ]` by enumerating h₀, v₁, h₁.
    private func exactCDOne(_ w: WeightLayer) -> [Double] {
        var expected = [Double](repeating: 0, count: w.rows * w.cols)
        for example in examples {
            let v0 = example.map(Double.init) + [1]
            for h0 in configurations(w.cols - 1) {
                let p0 = probability(of: h0) { hiddenProbability(w, v0, $0) }
                for v1 in configurations(w.rows - 1) {
                    let p1 = p0 * probability(of: v1) { visibleProbability(w, h0, $0) }
                    for h1 in configurations(w.cols - 1) {
                        let p2 = p1 * probability(of: h1) { hiddenProbability(w, v1, $0) }
                        for i in 0..<w.rows {
                            for j in 0..<w.cols { expected[i * w.cols + j] += p2 * (v0[i] * h0[j] - v1[i] * h1[j]) }
                        }
                    }
                }
            }
        }
        return expected
    }

    /// The exact log-likelihood gradient `Σ_examples (v·p(h|v)ᵀ) − N·E_model[v hᵀ]`, the
    /// model's expectation over its partition function by enumeration.
    private func exactLikelihoodGradient(_ w: WeightLayer) -> [Double] {
        var data = [Double](repeating: 0, count: w.rows * w.cols)
        for example in examples {
            let v = example.map(Double.init) + [1]
            let h = (0..<(w.cols - 1)).map { hiddenProbability(w, v, $0) } + [1]
            for i in 0..<w.rows { for j in 0..<w.cols { data[i * w.cols + j] += v[i] * h[j] } }
        }
        var model = [Double](repeating: 0, count: w.rows * w.cols)
        var z = 0.0
        for v in configurations(w.rows - 1) {
            for h in configurations(w.cols - 1) {
                var energy = 0.0
                for i in 0..<w.rows { for j in 0..<w.cols { energy += v[i] * h[j] * Double(w.values[i * w.cols + j]) } }
                let weight = exp(energy)
                z += weight
                for i in 0..<w.rows { for j in 0..<w.cols { model[i * w.cols + j] += weight * v[i] * h[j] } }
            }
        }
        return zip(data, model).map { $0 - Double(examples.count) * $1 / z }
    }

    /// The mean counts of `batches` CD-1 minibatches of the four examples.
    private func sampledCDOne(_ net: BeliefNet, batches: Int) throws -> [Double] {
        let data = Dataset(inputs: examples.flatMap { $0 }, labels: [0, 1, 0, 1], features: 3, classes: 2)
        let cd = ContrastiveDivergence(net: net, layer: 0, k: 1, batch: 4, statistics: .samples, generator: SeededGenerator(seed: 77))
        let counter = CountingUpdater()
        var copy = net
        for _ in 0..<batches { _ = try cd.trainBatch(&copy, data: data, indices: [0, 1, 2, 3][...], rate: 1, updater: counter) }
        XCTAssertEqual(copy, net, "the counting updater changes nothing")
        return counter.sums.map { $0 / Double(batches) }
    }

    /// CD-1's sampled update converges to its expectation computed by enumerating every
    /// hidden and visible configuration (weights, visible and hidden biases alike), within
    /// five standard errors; the bias corner never moves.
    func testCDOneMatchesItsExactExpectation() throws {
        let net = tinyNet(scale: 0.8, seed: 3)
        let batches = 20000
        let sampled = try sampledCDOne(net, batches: batches)
        let exact = exactCDOne(net.layers[0])
        // Each batch's count of one weight is a sum of 4 terms in [−1, 1]: variance ≤ 4.
        let tolerance = 5 * 2 / Double(batches).squareRoot()
        for (k, (s, e)) in zip(sampled, exact).enumerated() {
            XCTAssertEqual(s, e, accuracy: tolerance, "weight \(k)")
        }
        XCTAssertEqual(sampled.last, 0, "corner")
        XCTAssertGreaterThan(exact.map(abs).max()!, 10 * tolerance, "the test compares something")
    }

    /// With small weights CD-1 follows the true log-likelihood gradient (computed through the
    /// partition function by enumeration): same sign wherever the gradient is not small, and
    /// nearly parallel.
    func testCDOneFollowsTheLikelihoodGradient() throws {
        let net = tinyNet(scale: 0.1, seed: 5)
        let cd = exactCDOne(net.layers[0])
        let gradient = exactLikelihoodGradient(net.layers[0])
        let dot = zip(cd, gradient).map(*).reduce(0, +)
        let cosine = dot / (cd.map { $0 * $0 }.reduce(0, +).squareRoot() * gradient.map { $0 * $0 }.reduce(0, +).squareRoot())
        XCTAssertGreaterThan(cosine, 0.95)
        for (k, (c, g)) in zip(cd, gradient).enumerated() where abs(g) > 0.1 {
            XCTAssertEqual(c.sign, g.sign, "weight \(k): CD-1 \(c), gradient \(g)")
            XCTAssertEqual(c / g, 1, accuracy: 0.5, "weight \(k): CD-1 \(c), gradient \(g)")
        }
        let sampled = try sampledCDOne(net, batches: 4000)
        for (k, (s, g)) in zip(sampled, gradient).enumerated() where abs(g) > 0.3 {
            XCTAssertEqual(s.sign, g.sign, "weight \(k): sampled CD-1 \(s), gradient \(g)")
        }
    }

    /// Random binary signals of a 5×4 layer: `count` rows of `x` and `δ ∈ {−1, 0, 1}`.
    private func randomSignals(_ rng: inout SeededGenerator, count: Int) -> LayerSignals {
        LayerSignals(
            layer: 0, x: (0..<(count * 5)).map { _ in Float(Int.random(in: 0...1, using: &rng)) }, xStride: 5,
            delta: (0..<(count * 4)).map { _ in Float(Int.random(in: -1...1, using: &rng)) }, cols: 4)
    }

    /// The plain CD update in front of `writer`: no momentum, no weight cost, so the writer
    /// receives each minibatch's coincidence counts `−Σ x·δ` exactly.
    private func plainCounts(_ writer: CountWriter, _ layers: [WeightLayer]) throws -> MomentumUpdater {
        try MomentumUpdater(writer: writer, layers: layers, batch: 1, momentum: 0, weightDecay: 0)
    }

    /// Accumulate-then-fire: after every update each accumulator is below the threshold in
    /// magnitude, and per synapse the counts sent equal `θ·(pulses on G⁺ − pulses on G⁻)`
    /// plus what is left in the accumulator (nothing lost, nothing invented).
    func testAccumulatorsNeverReachTheThresholdAndKeepRemainders() throws {
        let device = LinearSpyDevice(step: 1e-5)
        let layer = WeightLayer(rows: 5, cols: 4, values: [Float](repeating: 0, count: 20))
        var layers = [layer]
        let updater = try PairWriteUpdater(
            layers: layers, mapping: WeightMapping(.pair, maxWeight: 1), write: .accumulate, threshold: 7,
            response: device, circuit: CrossbarCircuit())
        let plain = try plainCounts(updater, layers)
        var rng = SeededGenerator(seed: 4)
        var sent = [Double](repeating: 0, count: 20)
        for _ in 0..<300 {
            let s = randomSignals(&rng, count: 6)
            for b in 0..<6 { for i in 0..<5 { for j in 0..<4 { sent[i * 4 + j] -= Double(s.x[b * 5 + i] * s.delta[b * 4 + j]) } } }
            try plain.update(&layers, signals: [s], count: 6, rate: 1)
            XCTAssertTrue(updater.state.accumulators[0].allSatisfy { abs($0) < 7 }, "an accumulator reached θ without firing")
        }
        let states = updater.state.states[0]
        var fired = 0
        for k in 0..<20 {
            let (plus, minus) = (states[k / 4, 2 * (k % 4)], states[k / 4, 2 * (k % 4) + 1])
            let (up, down) = ((plus / 1e-5).rounded(), (minus / 1e-5).rounded())
            XCTAssertEqual(sent[k], 7 * (up - down) + Double(updater.state.accumulators[0][k]), accuracy: 1e-9, "synapse \(k)")
            fired += Int(up + down)
        }
        XCTAssertGreaterThan(fired, 100)
        XCTAssertEqual(updater.state.counts[0].pulses, fired)
        XCTAssertEqual(device.pulses, fired, "every counted pulse reached the device")
    }

    /// The write counts match what the devices received: on a linear device the states hold
    /// exactly the counted dose (per-batch: `Σ|c|/θ`; accumulate: the pulses fired, which the
    /// device also counts); per-batch writes every synapse with a non-zero count once per
    /// batch, one pulse each. With `θ` above any one batch's `|c|`, accumulation writes less
    /// often than per-batch (each firing takes at least θ of Σ|c|). Pairs whose written
    /// device saturates are refreshed, and the weights still read back from the pairs.
    func testWriteCountsMatchThePulsesTheDevicesReceived() throws {
        var writes: [DeviceWrite: Int] = [:]
        for write in DeviceWrite.minibatchWrites {
            for step in [1e-5, 0.2] {
                let device = LinearSpyDevice(step: step)
                var layers = [WeightLayer(rows: 5, cols: 4, values: [Float](repeating: 0, count: 20))]
                let updater = try PairWriteUpdater(
                    layers: layers, mapping: WeightMapping(.pair, maxWeight: 1), write: write, threshold: 7,
                    response: device, circuit: CrossbarCircuit())
                let plain = try plainCounts(updater, layers)
                var rng = SeededGenerator(seed: 9)
                var nonZero = 0
                var total = 0.0
                for _ in 0..<200 {
                    let s = randomSignals(&rng, count: 6)
                    for i in 0..<5 {
                        for j in 0..<4 {
                            let c = (0..<6).map { -s.x[$0 * 5 + i] * s.delta[$0 * 4 + j] }.reduce(0, +)
                            if c != 0 { nonZero += 1 }
                            total += Double(abs(c))
                        }
                    }
                    try plain.update(&layers, signals: [s], count: 6, rate: 1)
                }
                let counts = updater.state.counts[0]
                XCTAssertGreaterThan(counts.energy, 0)
                XCTAssertEqual(layers[0].values, updater.heldWeights(layers)[0].values)
                guard step < 1e-3 else {
                    XCTAssertGreaterThan(counts.refreshes, 0, "\(write): the test reaches saturation")
                    XCTAssertGreaterThan(counts.refreshPulses, counts.refreshes)
                    continue
                }
                XCTAssertEqual(counts.refreshes, 0)
                let held = updater.state.states[0].elements.map { $0 / step }.reduce(0, +)
                XCTAssertEqual(held, counts.dose, accuracy: 1e-6 * counts.dose, "\(write): the devices hold the counted dose")
                switch write {
                case .perBatch:
                    XCTAssertEqual(counts.writes, nonZero)
                    XCTAssertEqual(counts.pulses, nonZero)
                    XCTAssertEqual(counts.dose, total / 7, accuracy: 1e-9 * total)
                case .accumulate:
                    XCTAssertEqual(device.pulses, counts.pulses, "the device received every counted pulse and no other")
                    XCTAssertEqual(counts.dose, Double(counts.pulses))
                    XCTAssertLessThanOrEqual(counts.dose, total / 7)
                case .perExample:
                    XCTFail("a belief net writes once per minibatch")
                }
                writes[write] = counts.writes
            }
        }
        XCTAssertLessThan(writes[.accumulate]!, writes[.perBatch]!)
    }

    /// The momentum stage against the recursion written out by hand: with `μ = λ = 0` float
    /// weights move by exactly `r·C`; with momentum and weight cost the second step is
    /// `r·(μ·V₁ + C₂ − λ·B·W₁)` on weights and `r·(μ·V₁ + C₂)` on the bias row and column.
    func testMomentumAndWeightCostFollowTheirRecursion() throws {
        var rng = SeededGenerator(seed: 12)
        let (rate, mu, lambda, batch) = (Float(0.25), Float(0.5), 0.01, 6)
        let start = WeightLayer(rows: 5, cols: 4, values: (0..<20).map { _ in Float(rng.standardNormal()) })
        let first = randomSignals(&rng, count: batch)
        let second = randomSignals(&rng, count: batch)
        func counts(_ s: LayerSignals) -> [Float] {
            (0..<20).map { (k: Int) -> Float in
                var sum: Float = 0
                for b in 0..<batch { sum -= s.x[b * 5 + k / 4] * s.delta[b * 4 + k % 4] }
                return sum
            }
        }
        let (c1, c2) = (counts(first), counts(second))
        var plain = [start]
        let none = try MomentumUpdater(writer: FloatCountWriter(), layers: plain, batch: batch, momentum: 0, weightDecay: 0)
        try none.update(&plain, signals: [first], count: batch, rate: rate)
        for k in 0..<20 { XCTAssertEqual(plain[0].values[k], start.values[k] + rate * c1[k], accuracy: 1e-5, "plain \(k)") }
        var layers = [start]
        let stage = try MomentumUpdater(writer: FloatCountWriter(), layers: layers, batch: batch, momentum: Double(mu), weightDecay: lambda)
        try stage.update(&layers, signals: [first], count: batch, rate: rate)
        let w1 = layers[0].values
        try stage.update(&layers, signals: [second], count: batch, rate: rate)
        for k in 0..<20 {
            let decays = k / 4 < 4 && k % 4 < 3
            let cost = decays ? Float(lambda) * Float(batch) : 0
            let v1 = c1[k] - cost * start.values[k]
            XCTAssertEqual(w1[k], start.values[k] + rate * v1, accuracy: 1e-5, "first step \(k)")
            XCTAssertEqual(layers[0].values[k], w1[k] + rate * (mu * v1 + c2[k] - cost * w1[k]), accuracy: 1e-5, "second step \(k)")
        }
    }

    /// With probability statistics the data phase's hidden units are `p(h | v₀)` and the
    /// reconstruction is `p(v | h₀)`, unsampled, while the sample statistics are binary.
    func testProbabilityStatisticsSendProbabilities() throws {
        let net = tinyNet(scale: 0.8, seed: 3)
        let data = Dataset(inputs: examples.flatMap { $0 }, labels: [0, 1, 0, 1], features: 3, classes: 2)
        final class Recorder: WeightUpdater {
            var signals: LayerSignals?
            func update(_ layers: inout [WeightLayer], signals: [LayerSignals], count: Int, rate: Float) { self.signals = signals[0] }
        }
        for statistics in BeliefNetStatistics.allCases {
            let cd = ContrastiveDivergence(net: net, layer: 0, k: 1, batch: 4, statistics: statistics, generator: SeededGenerator(seed: 8))
            let recorder = Recorder()
            var copy = net
            _ = try cd.trainBatch(&copy, data: data, indices: [0, 1, 2, 3][...], rate: 1, updater: recorder)
            let s = try XCTUnwrap(recorder.signals)
            let w = net.layers[0]
            for (b, example) in examples.enumerated() {
                let v0 = example.map(Double.init) + [1]
                XCTAssertEqual(s.x[(b * 4)..<(b * 4 + 4)].map(Double.init), v0, "data \(b)")
                for j in 0..<2 {
                    let h0 = -Double(s.delta[b * 3 + j])
                    switch statistics {
                    case .probabilities: XCTAssertEqual(h0, hiddenProbability(w, v0, j), accuracy: 1e-6, "p(h|v₀) \(b) \(j)")
                    case .samples: XCTAssertTrue(h0 == 0 || h0 == 1, "binary h₀ \(b) \(j)")
                    }
                }
                let v1 = s.x[((4 + b) * 4)..<((4 + b) * 4 + 3)]
                switch statistics {
                case .probabilities: XCTAssertTrue(v1.allSatisfy { $0 > 0 && $0 < 1 }, "unsampled reconstruction \(b): \(v1)")
                case .samples: XCTAssertTrue(v1.allSatisfy { $0 == 0 || $0 == 1 }, "binary reconstruction \(b): \(v1)")
                }
            }
        }
    }

    /// A study takes a finished run as its own only if the run followed its recipe; runs
    /// from before the recipe fields existed (nil) ran binary samples without momentum or
    /// weight cost.
    func testStudiesKeepRunsOfTheirOwnRecipeOnly() {
        var old = BeliefNetConfiguration()
        (old.statistics, old.momentum, old.weightDecay) = (nil, nil, nil)
        let byDefault = BeliefNetStudy.Options(data: "/data", trials: 1, epochs: 1)
        let plain = BeliefNetStudy.Options(data: "/data", trials: 1, epochs: 1, statistics: .samples, momentum: 0, weightDecay: 0)
        XCTAssertTrue(byDefault.follows(BeliefNetConfiguration()))
        XCTAssertFalse(byDefault.follows(old))
        XCTAssertTrue(plain.follows(old))
        XCTAssertFalse(plain.follows(BeliefNetConfiguration()))
        XCTAssertTrue(try BeliefNetStudy.runs(plain).allSatisfy { $0.arguments.contains("--statistics") && $0.arguments.contains("--momentum") })
    }

    private struct Stop: Error {}

    /// A run on the built-in task is the same bit for bit when run again, and when stopped
    /// after an epoch and resumed from its checkpoint (device pairs, accumulate writes:
    /// weights, device states, accumulators, counts and generators all continue).
    func testRunsAreRepeatableAndResumeExactly() throws {
        let (train, test) = BuiltinTask.split(seed: 3, train: 40, test: 20)
        var c = BeliefNetConfiguration()
        (c.layers, c.epochs, c.batch, c.weights, c.threshold, c.seed) = ([8, 12], 2, 10, .pair, 5, 4)
        func run(stoppingAfter stop: Int?, folder: URL) throws -> BeliefNetCheckpoint {
            let path = folder.appendingPathComponent("checkpoint.json").path
            if let stop {
                let first = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: false)
                XCTAssertThrowsError(try first.run { _, _ in if first.checkpoint.history.count == stop { throw Stop() } })
            }
            let run = try BeliefNetRun(configuration: c, train: train, test: test, checkpointPath: path, resume: stop != nil)
            XCTAssertEqual(run.checkpoint.history.count, stop ?? 0)
            try run.run()
            return run.checkpoint
        }
        func withoutTimes(_ checkpoint: BeliefNetCheckpoint) -> BeliefNetCheckpoint {
            var copy = checkpoint
            for k in copy.history.indices { copy.history[k].seconds = 0 }
            return copy
        }
        let whole = try run(stoppingAfter: nil, folder: TestSupport.temporaryDirectory())
        XCTAssertEqual(whole.history.count, 4)
        XCTAssertGreaterThan(whole.devices!.counts.map(\.pulses).reduce(0, +), 0)
        XCTAssertEqual(withoutTimes(try run(stoppingAfter: nil, folder: TestSupport.temporaryDirectory())), withoutTimes(whole))
        XCTAssertEqual(withoutTimes(try run(stoppingAfter: 3, folder: TestSupport.temporaryDirectory())), withoutTimes(whole))
    }

    /// Impossible options are refused with one line naming the option.
    func testImpossibleOptionsAreRefused() throws {
        for (arguments, option) in [
            (["--layers", "500,,2000"], "layers"), (["--layers", "0"], "layers"), (["--cd-k", "0"], "cd-k"),
            (["--threshold", "0"], "threshold"), (["--weights", "pair", "--threshold=-1"], "threshold"),
            (["--weights", "pair", "--device", "nonesuch"], "device"),
            (["--weights", "reference"], "weights"), (["--batch", "0"], "batch"), (["--momentum", "1"], "momentum"),
            (["--weight-decay=-1"], "weight-decay"),
            (["--weights", "pair", "--engine", "analytic", "--write", "per-batch", "--momentum", "0.5"], "momentum"),
            (["--weights", "pair", "--engine", "analytic", "--write", "per-batch", "--statistics", "probabilities"], "statistics"),
        ] {
            let run = try TestSupport.runCLI(["dbn", "train"] + arguments + ["--output", try TestSupport.temporaryDirectory().path])
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            let lines = run.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("invalid \(option):"), "\(arguments): \(run.stderr)")
        }
        // --write and --weights are typed: the parser refuses an unknown value, naming the
        // option and the values it takes (its usage lines follow).
        let run = try TestSupport.runCLI(["dbn", "train", "--write", "sometimes", "--output", try TestSupport.temporaryDirectory().path])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(
            run.stderr.split(separator: "\n").first?.contains("'sometimes' is invalid for '--write <write>'. Please provide one of 'per-batch' and 'accumulate'") == true,
            run.stderr)
    }

    /// `reproduce dbn` equals plan → run → collect, and each table cell is the mean of its
    /// runs' summaries, read independently; the write reduction is the per-batch writes over
    /// the accumulate writes.
    func testReproduceTabulatesItsRuns() throws {
        let data = try SweepTests.tinyIDXData()
        let root = try TestSupport.temporaryDirectory()
        let study = ["--data", data, "--trials", "2", "--epochs", "1", "--layers", "5,7", "--batch", "4", "--devices", "linear"]
        func cli(_ arguments: [String]) throws {
            let run = try TestSupport.runCLI(arguments)
            XCTAssertEqual(run.status, 0, "\(arguments): \(run.stderr)")
        }
        try cli(["reproduce", "dbn"] + study + ["--jobs", "2", "--output", root.appendingPathComponent("reproduce").path])
        let plan = root.appendingPathComponent("plan").path
        try cli(["sweep", "plan", "dbn"] + study + ["--output", plan])
        try cli(["sweep", "run", plan, "--jobs", "2"])
        try cli(["sweep", "collect", plan])
        let table = try String(contentsOfFile: plan + "/dbn.csv", encoding: .utf8)
        XCTAssertEqual(table, try String(contentsOfFile: root.appendingPathComponent("reproduce/dbn.csv").path, encoding: .utf8))
        XCTAssertTrue(try String(contentsOfFile: plan + "/dbn.svg", encoding: .utf8).contains("<svg"))
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, ["ideal", "linear-per-batch", "linear-accumulate"])
        var meanWrites: [String: Double] = [:]
        for row in rows {
            let summaries = try (1...2).map { seed in
                try XCTUnwrap(BeliefNetReport.Summary.read(in: "\(plan)/runs/\(row[0])/seed\(seed)"))
            }
            XCTAssertEqual(row[3], "2")
            XCTAssertEqual(Double(row[4])!, 50 * (summaries[0].testError + summaries[1].testError), accuracy: 1e-9)
            XCTAssertEqual(summaries[0].configuration.layers, [5, 7])
            let writes = summaries.map { Double($0.writes.map(\.writes).reduce(0, +)) }
            meanWrites[row[0]] = (writes[0] + writes[1]) / 2
            if row[0] == "ideal" {
                XCTAssertEqual(row[6], "")
            } else {
                XCTAssertEqual(Double(row[6])!, meanWrites[row[0]]!, accuracy: 1e-9)
                XCTAssertGreaterThan(meanWrites[row[0]]!, 0)
            }
        }
        XCTAssertEqual(Double(rows[2][9])!, meanWrites["linear-per-batch"]! / meanWrites["linear-accumulate"]!, accuracy: 1e-9)
    }
}
