import Foundation
import XCTest

@testable import PulseProp

/// Minibatch writes of backprop device weights (issue 30): the analytic engine's one-pass
/// write equals the row steps it replaces, accumulate-then-fire conserves the update and
/// keeps its remainder, and each scheme resumes bit for bit.
final class MinibatchWriteTests: XCTestCase {
    /// Random signed counts on a 7×6 crossbar (some rows silent), written in one pass and as
    /// row steps through `apply`: the same states bit for bit, the same pulses, and the energy
    /// to rounding — with and without device variation and stuck devices, in both phases and
    /// potentiation only.
    func testOnePassWriteEqualsTheRowSteps() throws {
        let variations = [DeviceVariation.none, DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 3)]
        for variation in variations {
            for only in [nil, LearningPhase.Kind.potentiation] {
                var source = SeededGenerator(seed: 9)
                let (rows, cols) = (7, 6)
                let start = Matrix<Double>(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &source) }
                let counts = Matrix<Int>(rows: rows, cols: cols) { i, _ in
                    guard i % 3 != 1 else { return 0 }
                    let n = Int.random(in: -4...4, using: &source)
                    return only == .potentiation ? -abs(n) : n
                }
                let hardware = CrossbarHardware(circuit: CrossbarCircuit(variation: variation))
                let onePass = try hardware.analyticEngine()
                var direct = start
                let report = try onePass.writeRows(counts, only: only, to: &direct)

                let stepped = try hardware.analyticEngine()
                var states = start
                var (pulses, steps, energy) = (0, 0, [0.0, 0.0])
                for row in 0..<rows {
                    let rowCounts = (0..<cols).map { counts[row, $0] }
                    guard let step = try CrossbarProgramming.rowStep(columnCounts: rowCounts, row: row, rows: rows, only: only) else {
                        continue
                    }
                    let e = try XCTUnwrap(try stepped.apply(step, to: &states))
                    energy = zip(energy, e.devices).map(+)
                    pulses += step.phases.reduce(0) { $0 + $1.pulsesSent }
                    steps += 1
                }
                let label = "d2d \(variation.d2d), only \(String(describing: only))"
                XCTAssertEqual(direct, states, label)
                XCTAssertEqual(report.rowSteps, steps, label)
                XCTAssertEqual(report.pulsesSent, pulses, label)
                XCTAssertEqual(report.coincidentPulses, counts.elements.map(abs).reduce(0, +), label)
                let reported = try XCTUnwrap(report.energy).devices
                for p in 0..<2 {
                    XCTAssertEqual(reported[p], energy[p], accuracy: 1e-12 * max(energy[p], 1e-30), label)
                }
                XCTAssertGreaterThan(energy[0], 0, label)
            }
        }
    }

    /// The one-pass write's sums over the crossbar are shared between threads in fixed
    /// blocks: the same states and the same report, energy bit for bit, on 1, 2 and 3 threads
    /// (a crossbar of several column and row blocks, with and without variation).
    func testOnePassWriteIsTheSameOnAnyNumberOfThreads() throws {
        for variation in [DeviceVariation.none, DeviceVariation(d2d: 0.2, seed: 4)] {
            var source = SeededGenerator(seed: 21)
            let (rows, cols) = (70, 80)
            let start = Matrix<Double>(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &source) }
            let counts = Matrix<Int>(rows: rows, cols: cols) { _, _ in Int.random(in: 0..<4, using: &source) == 0 ? Int.random(in: -3...3, using: &source) : 0 }
            let hardware = CrossbarHardware(circuit: CrossbarCircuit(variation: variation))
            func write(threads: Int) throws -> (Matrix<Double>, RowWriteReport) {
                var states = start
                let engine = try hardware.analyticEngine()
                engine.estimatesEnergy = true
                let report = try engine.writeRows(SparsePulseCounts(counts), only: nil, to: &states, threads: threads)
                return (states, report)
            }
            let one = try write(threads: 1)
            XCTAssertNotNil(one.1.energy)
            for threads in [2, 3] {
                let other = try write(threads: threads)
                XCTAssertEqual(other.0, one.0)
                XCTAssertEqual(other.1, one.1, "d2d \(variation.d2d), \(threads) threads")
            }
        }
    }

    /// Conductance sums kept by one-pass writes are the sums of the written states, exactly:
    /// after each of several random writes (with and without variation and stuck devices) they
    /// equal sums computed afresh on 1 and 3 threads and those summed here from every device's
    /// rounded conductance, and the energy reported with kept sums is the energy of a write
    /// that computes them afresh, bit for bit.
    func testKeptConductanceSumsAreThoseOfTheWrittenStates() throws {
        for variation in [DeviceVariation.none, DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 6)] {
            var source = SeededGenerator(seed: 33)
            let (rows, cols) = (70, 40)
            var kept = Matrix<Double>(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &source) }
            var fresh = kept
            let hardware = CrossbarHardware(circuit: CrossbarCircuit(variation: variation))
            let (keeping, forgetting) = (try hardware.analyticEngine(), try hardware.analyticEngine())
            keeping.estimatesEnergy = true
            forgetting.estimatesEnergy = true
            var sums: ConductanceSums?
            for write in 0..<4 {
                let counts = Matrix<Int>(rows: rows, cols: cols) { _, _ in
                    Int.random(in: 0..<5, using: &source) == 0 ? Int.random(in: -3...3, using: &source) : 0
                }
                let report = try keeping.writeRows(SparsePulseCounts(counts), only: nil, to: &kept, sums: &sums)
                let reference = try forgetting.writeRows(SparsePulseCounts(counts), only: nil, to: &fresh)
                let label = "d2d \(variation.d2d), write \(write)"
                XCTAssertEqual(kept, fresh, label)
                XCTAssertEqual(report, reference, label)
                let population = keeping.population(rows: rows, cols: cols)
                let afresh = ConductanceSums(kept, population: population, threads: 3)
                XCTAssertEqual(sums, afresh, label)
                XCTAssertEqual(sums, ConductanceSums(kept, population: population), label)
                // Every row and column sum within the fixed point's rounding (half a unit per
                // device) and this double sum's (half an ulp per addition) of the exact sum.
                let g = Matrix<Double>(rows: rows, cols: cols) { population.conductance(state: kept[$0, $1], row: $0, col: $1) }
                for i in 0..<rows {
                    let exact = (0..<cols).reduce(0.0) { $0 + g[i, $1] }
                    XCTAssertEqual(afresh.conductance(row: i), exact, accuracy: Double(cols) * (afresh.unit + exact.ulp), label)
                }
                for j in 0..<cols {
                    let exact = (0..<rows).reduce(0.0) { $0 + g[$1, j] }
                    XCTAssertEqual(afresh.conductance(col: j), exact, accuracy: Double(rows) * (afresh.unit + exact.ulp), label)
                }
            }
        }
    }

    /// The read-back of only the written devices gives the weights of a whole read, bit for
    /// bit, for pairs and reference devices.
    func testReadOfTheWrittenDevicesEqualsAWholeRead() throws {
        var source = SeededGenerator(seed: 8)
        for kind in WeightMapping.Kind.allCases {
            let mapping = WeightMapping(kind, maxWeight: 0.7)
            let (rows, cols) = (9, 2 * 5)
            var states = Matrix<Double>(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &source) }
            var weights: [Float] = []
            mapping.read(states, into: &weights)
            let written = (0..<12).map { _ in Int.random(in: 0..<rows * cols, using: &source) }
            for p in written { states.elements[p] = Double.random(in: 0...1, using: &source) }
            mapping.read(states, positions: written, into: &weights)
            var whole: [Float] = []
            mapping.read(states, into: &whole)
            XCTAssertEqual(weights.map(\.bitPattern), whole.map(\.bitPattern), "\(kind)")
        }
    }

    /// Device writes read back only the written devices while the layer's weights are the
    /// storage of the last read; weights changed in between (a copy), and a crossbar whose
    /// stuck devices its first write pinned, are read whole. Either way the layers hold exactly
    /// what the crossbars hold after every minibatch, for both write schemes, with and
    /// without variation and stuck devices.
    func testReadBackIsWhatTheCrossbarsHold() throws {
        let variations = [DeviceVariation.none, DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 2)]
        for write in [DeviceWrite.perBatch, .perExample] {
            for variation in variations {
                var source = SeededGenerator(seed: 14)
                let (rows, cols, batch) = (30, 6, 8)
                var layers = [WeightLayer(rows: rows, cols: cols, values: (0..<rows * cols).map { _ in Float.random(in: -0.3...0.3, using: &source) })]
                var encoding = PulseEncoding(levels: 20, xMax: 1, deltaMin: -1, deltaMax: 1)
                encoding.rounding = .stochastic
                let engine = try CrossbarHardware(circuit: CrossbarCircuit(variation: variation)).analyticEngine()
                engine.estimatesEnergy = true
                let updater = try DeviceWeightUpdater(
                    layers: layers, engines: [engine], encoding: encoding, mapping: WeightMapping(.pair, maxWeight: 1), write: write)
                for minibatch in 0..<6 {
                    let x = (0..<batch * rows).map { _ in Float.random(in: 0..<1, using: &source) < 0.4 ? Float.random(in: 0...1, using: &source) : 0 }
                    // The first minibatch writes nothing: the stuck devices are pinned by the first write.
                    let delta = (0..<batch * cols).map { _ in minibatch == 0 ? 0 : Float.random(in: -1...1, using: &source) }
                    if minibatch == 3 { layers[0].values[0] += 1 }  // the caller's own change: a copy of the read storage
                    try updater.update(&layers, signals: [LayerSignals(layer: 0, x: x, xStride: rows, delta: delta, cols: cols)], count: batch, rate: 0.3)
                    XCTAssertEqual(layers[0].values, updater.mapping.weights(of: updater.states[0]), "\(write), d2d \(variation.d2d), minibatch \(minibatch)")
                }
                XCTAssertGreaterThan(updater.stepsApplied, 0)
            }
        }
    }

    /// `θ = 2`: `+0.5` fires nothing (0.5 kept); `+3` makes 3.5, fires 1, keeps 1.5; `−4`
    /// makes −2.5, fires −1, keeps −0.5; `+5.5` makes 5, fires 2, keeps 1.
    func testAccumulateThenFireKeepsTheRemainder() {
        var a: Float = 0
        let fired = [0.5, 3, -4, 5.5].map { AccumulateThenFire.fire(&a, adding: Float($0), threshold: 2) }
        XCTAssertEqual(fired, [0, 1, -1, 2])
        XCTAssertEqual(a, 1)
    }

    /// Over a long random sequence the pulses fired times `θ` plus what is left equal the sum
    /// added, and the accumulator always ends below `θ`.
    func testAccumulateThenFireConservesTheUpdate() {
        var source = SeededGenerator(seed: 4)
        let theta: Float = 0.75
        var (a, fired, added) = (Float(0), 0, 0.0)
        for _ in 0..<10_000 {
            let c = Float.random(in: -2...2.5, using: &source)
            added += Double(c)
            fired += AccumulateThenFire.fire(&a, adding: c, threshold: theta)
            XCTAssertLessThan(abs(a), theta)
        }
        XCTAssertEqual(Double(fired) * Double(theta) + Double(a), added, accuracy: 1e-3)
        XCTAssertGreaterThan(fired, 100)
    }

    /// Reference devices, `θ = 2`, the minibatch of ``PerBatchWriteTests`` (net quanta `+1`
    /// and `0`): the first minibatch fires nothing and keeps `+1`; the second reaches `2` and
    /// fires one depression pulse on device (0, 0), keeping 0.
    func testAccumulateFiresOncePerThreshold() throws {
        let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 1)
        let signals = LayerSignals(layer: 0, x: [0.375, 0.25, 0.25, 0.25], xStride: 2, delta: [0.625, -0.25], cols: 1)
        var layers = [WeightLayer(rows: 2, cols: 1, values: [0.25, 0.25])]
        let updater = try DeviceWeightUpdater(
            layers: layers, engines: [CrossbarHardware().analyticEngine()], encoding: encoding,
            mapping: WeightMapping(.reference, maxWeight: 1), write: .accumulate, threshold: 2)
        var written: [[Int]] = []
        updater.writeObserver = { written.append($0.counts.dense.elements) }
        try updater.update(&layers, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(written, [])
        XCTAssertEqual(updater.saved.accumulators, [[1, 0]])
        try updater.update(&layers, signals: [signals], count: 2, rate: 1)
        XCTAssertEqual(written, [[1, 0]])
        XCTAssertEqual(updater.saved.accumulators, [[0, 0]])
    }

    /// Accumulate writes resume bit for bit (accumulators in the checkpoint), for reference
    /// devices and for unidirectional pairs with refresh.
    func testAccumulateWritesResumeExactly() throws {
        var reference = BackpropConfiguration.builtinTask
        (reference.write, reference.writeThreshold, reference.batch, reference.epochs) = (.accumulate, 0.5, 4, 2)
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 20)
        let resumed = try assertResumeIsExact(reference, train: train, test: test, hardware: CrossbarHardware(engine: .analytic))
        let accumulators = try XCTUnwrap(resumed.checkpoint.devices?.accumulators)
        XCTAssertTrue(accumulators.joined().contains { $0 != 0 }, "the remainders are kept")
        var pair = reference
        (pair.weights, pair.update, pair.refreshSaturation) = (.pair, .unidirectional, 0.7)
        _ = try assertResumeIsExact(pair, train: train, test: test, hardware: CrossbarHardware(engine: .analytic))
    }

    /// `--threshold` belongs to accumulate writes and must be a positive number of quanta; a
    /// belief net refuses per-example writes.
    func testThresholdNeedsAccumulateWrites() {
        var c = BackpropConfiguration.builtinTask
        (c.write, c.writeThreshold) = (.perBatch, 2)
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "threshold") }
        c.write = .accumulate
        XCTAssertNoThrow(try c.validate())
        c.writeThreshold = 0
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "threshold") }
        var dbn = BeliefNetConfiguration()
        (dbn.weights, dbn.write) = (.pair, .perExample)
        XCTAssertThrowsError(try dbn.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "write") }
    }

    /// Opposed pulses: per example, device (0, 0) of the minibatch of ``PerBatchWriteTests``
    /// gets 3 depression then 2 potentiation pulses and device (1, 0) 2 and 2, so
    /// `Σ min(P, D) = 2 + 2 = 4`; written per batch the net counts `+1, 0` oppose nothing.
    func testOpposedPulsesCountWhatNetWritesCancel() throws {
        let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 1)
        let signals = LayerSignals(layer: 0, x: [0.375, 0.25, 0.25, 0.25], xStride: 2, delta: [0.625, -0.25], cols: 1)
        func stats(_ write: DeviceWrite) throws -> CircuitEpochStats {
            var layers = [WeightLayer(rows: 2, cols: 1, values: [0.25, 0.25])]
            let hardware = CrossbarHardware()
            let updater = try DeviceWeightUpdater(
                layers: layers, engines: [hardware.analyticEngine()], encoding: encoding,
                mapping: WeightMapping(.reference, maxWeight: 1), write: write)
            let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
            updater.observer = { try monitor.record($0) }
            updater.writeObserver = { monitor.record(write: $0) }
            try updater.update(&layers, signals: [signals], count: 2, rate: 1)
            return monitor.takeEpochStats()
        }
        let perExample = try stats(.perExample)
        XCTAssertEqual(perExample.opposedPulses, 4)
        XCTAssertEqual(perExample.depressionPulses, 5)
        XCTAssertEqual(perExample.potentiationPulses, 4)
        let perBatch = try stats(.perBatch)
        XCTAssertEqual(perBatch.opposedPulses, 0)
        XCTAssertEqual(perBatch.depressionPulses, 1)
        XCTAssertEqual(perBatch.potentiationPulses, 0)
    }

    /// Pair-opposed pulses: a unidirectional pair (`w = 0.25` on reference-free pairs) written
    /// per example by the minibatch above gets 3 then 2 potentiation pulses on `G⁻` and `G⁺` of
    /// pair (0, 0), and 2 and 2 on pair (1, 0): `Σ min(P⁺, P⁻) = 2 + 2 = 4`.
    func testPairOpposedPulsesCountWhatUnidirectionalPairsUndo() throws {
        let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 1)
        let signals = LayerSignals(layer: 0, x: [0.375, 0.25, 0.25, 0.25], xStride: 2, delta: [0.625, -0.25], cols: 1)
        var layers = [WeightLayer(rows: 2, cols: 1, values: [0.25, 0.25])]
        let hardware = CrossbarHardware()
        let updater = try DeviceWeightUpdater(
            layers: layers, engines: [hardware.analyticEngine()], encoding: encoding,
            mapping: WeightMapping(.pair, maxWeight: 1), scheme: .unidirectional)
        let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
        monitor.pairedColumns = true
        updater.observer = { try monitor.record($0) }
        try updater.update(&layers, signals: [signals], count: 2, rate: 1)
        let stats = monitor.takeEpochStats()
        XCTAssertEqual(stats.pairOpposedPulses, 4)
        XCTAssertEqual(stats.opposedPulses, 0)
        XCTAssertEqual(stats.potentiationPulses, 9)
    }
}
