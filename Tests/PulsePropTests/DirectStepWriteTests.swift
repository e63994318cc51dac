import XCTest

@testable import PulseProp

/// Per-example steps on analytic engines are reported to the monitor as writes of the
/// coincident devices (``AnalyticEngine/write(_:to:)``), not as before/after states of the
/// whole crossbar: the same device states and the same counts as the observed path.
final class DirectStepWriteTests: XCTestCase {
    /// A minibatch of random signals on bidirectional and unidirectional pairs, with
    /// variation: states bit for bit, every count equal, energies equal to rounding.
    func testDirectWritesEqualObservedSteps() throws {
        var rng = SeededGenerator(seed: 5)
        let (rows, cols, batch) = (9, 4, 12)
        let x = (0..<batch * rows).map { _ in Float.random(in: 0..<1, using: &rng) < 0.4 ? 0 : Float.random(in: 0..<1, using: &rng) }
        let delta = (0..<batch * cols).map { _ in Float.random(in: -1..<1, using: &rng) }
        let signals = LayerSignals(layer: 0, x: x, xStride: rows, delta: delta, cols: cols)
        let weights = (0..<rows * cols).map { _ in Float.random(in: -0.5..<0.5, using: &rng) }
        var circuit = CrossbarCircuit()
        circuit.variation = DeviceVariation(d2d: 0.1, seed: 3)
        let hardware = CrossbarHardware(circuit: circuit)
        let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 1, rounding: .stochastic)
        for scheme in UpdateScheme.allCases {
            func run(direct: Bool) throws -> (states: Matrix<Double>, stats: CircuitEpochStats, steps: Int) {
                var layers = [WeightLayer(rows: rows, cols: cols, values: weights)]
                let engine = try hardware.analyticEngine()
                engine.estimatesEnergy = true
                let updater = try DeviceWeightUpdater(
                    layers: layers, engines: [engine], encoding: encoding, mapping: WeightMapping(.pair, maxWeight: 1), scheme: scheme)
                let monitor = try CircuitMonitor(circuit: hardware.circuit, shadow: nil)
                monitor.pairedColumns = true
                updater.observer = { try monitor.record($0) }
                if direct { updater.writeObserver = { monitor.record(write: $0) } }
                try updater.update(&layers, signals: [signals], count: batch, rate: 1)
                return (updater.states[0], monitor.takeEpochStats(), monitor.stepCount)
            }
            let (observed, direct) = (try run(direct: false), try run(direct: true))
            XCTAssertEqual(direct.states, observed.states, "\(scheme)")
            XCTAssertGreaterThan(observed.stats.coincidentPulses, 0, "the test needs written devices")
            XCTAssertEqual(direct.steps, observed.steps, "\(scheme)")
            for (a, b) in [
                (direct.stats.coincidentPulses, observed.stats.coincidentPulses), (direct.stats.pulsesSent, observed.stats.pulsesSent),
                (direct.stats.potentiationPulses, observed.stats.potentiationPulses),
                (direct.stats.depressionPulses, observed.stats.depressionPulses), (direct.stats.opposedPulses, observed.stats.opposedPulses),
                (direct.stats.pairOpposedPulses, observed.stats.pairOpposedPulses), (direct.stats.steps, observed.stats.steps),
            ] {
                XCTAssertEqual(a, b, "\(scheme)")
            }
            for p in 0..<2 {
                XCTAssertEqual(direct.stats.deviceEnergy[p], observed.stats.deviceEnergy[p], accuracy: 1e-12 * observed.stats.deviceEnergy[p])
            }
            XCTAssertGreaterThan(observed.stats.deviceEnergy.reduce(0, +), 0)
        }
    }

    /// For nominal devices the step's energy is summed from the pulsing rows' states
    /// (``AnalyticEngine/nominalEnergy(of:after:before:)``); it equals the device-by-device
    /// sum with each device's own conductance to rounding, for two-phase and one-phase steps
    /// with rows and columns that sit out.
    func testNominalEnergyEqualsTheDeviceByDeviceSum() throws {
        var rng = SeededGenerator(seed: 11)
        let engine = try CrossbarHardware(circuit: CrossbarCircuit()).analyticEngine()
        let (rows, cols) = (13, 10)
        for only in [nil, LearningPhase.Kind.potentiation, .depression] {
            for _ in 0..<20 {
                let rowCounts = (0..<rows).map { _ in Bool.random(using: &rng) ? 0 : Int.random(in: 1...5, using: &rng) }
                let columnCounts = (0..<cols).map { _ in Bool.random(using: &rng) ? 0 : Int.random(in: -5...5, using: &rng) }
                let step = try LearningStep(rowCounts: rowCounts, columnCounts: columnCounts, slotsPerPhase: 5, only: only)
                let before = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &rng) }
                var after = before
                try engine.apply(step, to: &after)
                let lookup = { (i: Int, j: Int) in before[i, j] }
                let (fast, reference) = (
                    engine.nominalEnergy(of: step, after: after, before: lookup), engine.energyByDevice(of: step, after: after, before: lookup)
                )
                for p in 0..<2 {
                    XCTAssertEqual(fast.devices[p], reference.devices[p], accuracy: 1e-12 * max(reference.devices[p], 1e-30), "\(step)")
                }
                XCTAssertEqual(engine.energy(of: step, from: before, to: after), fast)
            }
        }
    }
    /// With the crossbar's conductance sums kept, a written step's energy visits only its
    /// pulsing block (``AnalyticEngine/energy(of:after:before:sums:)``) and equals the
    /// device-by-device sum to rounding — two-phase and one-phase steps, rows and columns that
    /// sit out, nominal devices and variation with stuck devices — while the kept sums stay
    /// those of the written states.
    func testStepEnergyFromKeptSumsEqualsTheDeviceByDeviceSum() throws {
        var rng = SeededGenerator(seed: 12)
        let (rows, cols) = (13, 10)
        for variation in [DeviceVariation.none, DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 7)] {
            let engine = try CrossbarHardware(circuit: CrossbarCircuit(variation: variation)).analyticEngine()
            engine.estimatesEnergy = true
            var states = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &rng) }
            var sums: ConductanceSums?
            for only in [nil, LearningPhase.Kind.potentiation, .depression] {
                for _ in 0..<20 {
                    let rowCounts = (0..<rows).map { _ in Bool.random(using: &rng) ? 0 : Int.random(in: 1...5, using: &rng) }
                    let columnCounts = (0..<cols).map { _ in Bool.random(using: &rng) ? 0 : Int.random(in: -5...5, using: &rng) }
                    let step = try LearningStep(rowCounts: rowCounts, columnCounts: columnCounts, slotsPerPhase: 5, only: only)
                    let before = engine.population(rows: rows, cols: cols).pinned(states)
                    let report = try engine.write(step, to: &states, sums: &sums).report
                    let reference = engine.energyByDevice(of: step, after: states) { before[$0, $1] }
                    let energy = try XCTUnwrap(report.energy)
                    for p in 0..<2 {
                        XCTAssertEqual(energy.devices[p], reference.devices[p], accuracy: 1e-12 * max(reference.devices[p], 1e-30), "\(step)")
                    }
                    XCTAssertEqual(sums, ConductanceSums(states, population: engine.population(rows: rows, cols: cols)))
                }
            }
        }
    }
    /// The vector kernel's pulse counts (``PulseEncoding/xCounts(_:gain:dither:)``,
    /// ``PulseEncoding/deltaCounts(_:gain:dither:)``) are ``PulseEncoding/count(x:dither:)``'s
    /// and ``PulseEncoding/count(delta:dither:)``'s for every rounding: random signals, zeros,
    /// values past the clipping range, and ratios on, just off and 4 ulp off whole numbers.
    func testPulseCountKernelEqualsTheEncoding() {
        var rng = SeededGenerator(seed: 3)
        var values = (0..<500).map { _ in Float.random(in: -3...3, using: &rng) }
        values += [0, -0, 1, -1, 2.5, -2.5, 7, -7, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for rounding in PulseRounding.allCases {
            let encoding = PulseEncoding(levels: 8, xMax: 1, deltaMin: -1, deltaMax: 2, rounding: rounding)
            // Signals whose ratios are whole numbers and within a few ulp of them (floor's tolerance).
            let wholes = (0...8).flatMap { n -> [Float] in
                let v = Float(Double(n) * encoding.xQuantum)
                return [v, v.nextUp, v.nextDown, v.nextUp.nextUp.nextUp, -v]
            }
            let signals = values + wholes
            // Gains that put a signal's ratio at a whole number up to rounding of the product
            // and the division (a few ulp off: the floor rounding's tolerance decides).
            let gains = values.prefix(40).filter { $0 > 0.1 && $0 < 1 }.map { v in
                // Just below: the largest gain whose ratio falls short of 3.
                var gain = 3 * encoding.xQuantum / Double(v)
                while gain * Double(v) / encoding.xQuantum >= 3 { gain = gain.nextDown }
                return gain
            }
            XCTAssertFalse(gains.isEmpty)
            for (gain, dither) in [(1.0, 0.0), (0.37, 0.5), (3.0, 0.999)] + gains.map({ ($0, 0.25) }) {
                signals.withUnsafeBufferPointer { v in
                    let x = encoding.xCounts(v, gain: gain, dither: dither)
                    let delta = encoding.deltaCounts(v, gain: gain, dither: dither)
                    let expectedX = signals.map { encoding.count(x: gain * Double($0), dither: dither) }
                    let expectedDelta = signals.map { encoding.count(delta: gain * Double($0), dither: dither) }
                    XCTAssertEqual(x.counts, expectedX, "\(rounding), gain \(gain)")
                    XCTAssertEqual(delta.counts, expectedDelta, "\(rounding), gain \(gain)")
                    XCTAssertEqual(x.pulses, expectedX.contains { $0 != 0 })
                    XCTAssertEqual(delta.pulses, expectedDelta.contains { $0 != 0 })
                }
            }
        }
    }
}
