import XCTest

@testable import PulseProp

/// The circuit path of belief nets: row-by-row programming in SPICE and in the analytic
/// engine, and write counts against the pulses the engines received.
final class BeliefNetCircuitTests: XCTestCase {
    /// An engine that forwards to the analytic engine and counts the coincident pulses of
    /// every step it is sent.
    private final class CountingEngine: CrossbarEngine {
        let base: AnalyticEngine
        var coincidences = 0
        init() throws {
            base = try CrossbarHardware().analyticEngine()
        }
        var circuit: CrossbarCircuit { base.circuit }
        var cycleNoise: CycleToCycleNoise? {
            get { base.cycleNoise }
            set { base.cycleNoise = newValue }
        }
        func run(_ step: LearningStep, from states: Matrix<Double>) throws -> CrossbarStepResult {
            for phase in step.phases {
                for i in 0..<step.rows { for j in 0..<step.cols { coincidences += phase.coincidences(row: i, col: j) } }
            }
            return try base.run(step, from: states)
        }
    }

    private func randomProgram(rows: Int, cols: Int, seed: UInt64) -> (Matrix<Int>, Matrix<Double>) {
        var rng = SeededGenerator(seed: seed)
        let pulses = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0..<1, using: &rng) < 0.3 ? Int.random(in: 1...6, using: &rng) : 0 }
        let states = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...0.9, using: &rng) }
        return (pulses, states)
    }

    /// Programming row by row: SPICE and the analytic engine agree as on learning steps (RMS
    /// ≤ 1 %, max ≤ 3 % of the range), every written device rises in both, the pulses sent
    /// are the ones asked for, and no half-selected device moves (half amplitude is below
    /// the thresholds).
    func testSpiceAndAnalyticProgramAlike() throws {
        let spice = try SpiceEngine(circuit: CrossbarCircuit(), measureEnergy: true)
        let analytic = try CrossbarHardware().analyticEngine()
        for (rows, cols, seed) in [(3, 4, 1), (6, 8, 2)] as [(Int, Int, UInt64)] {
            let (pulses, start) = randomProgram(rows: rows, cols: cols, seed: seed)
            var (s, a) = (start, start)
            let spiceReport = try spice.program(pulses, to: &s)
            let analyticReport = try analytic.program(pulses, to: &a)
            let differences = zip(s.elements, a.elements).map { abs($0 - $1) }
            XCTAssertLessThanOrEqual((differences.map { $0 * $0 }.reduce(0, +) / Double(differences.count)).squareRoot(), 0.01)
            XCTAssertLessThanOrEqual(differences.max()!, 0.03)
            for k in pulses.elements.indices {
                if pulses.elements[k] > 0 {
                    XCTAssertGreaterThan(s.elements[k], start.elements[k], "SPICE device \(k)")
                    XCTAssertGreaterThan(a.elements[k], start.elements[k], "analytic device \(k)")
                } else {
                    XCTAssertEqual(s.elements[k], start.elements[k], accuracy: CrossbarStepResult.changeThreshold, "SPICE device \(k)")
                    XCTAssertEqual(a.elements[k], start.elements[k], "analytic device \(k)")
                }
            }
            for report in [spiceReport, analyticReport] {
                XCTAssertEqual(report.pulses, pulses.elements.reduce(0, +))
                XCTAssertEqual(report.rowSteps, (0..<rows).filter { i in (0..<cols).contains { pulses[i, $0] > 0 } }.count)
                XCTAssertEqual(report.disturbed, 0)
                XCTAssertGreaterThan(report.energy, 0)
            }
        }
    }

    /// The circuit path counts exactly the pulses its engines received: coincidences of the
    /// data and model phases (per-batch) and programmed firings (accumulate).
    func testWriteCountsMatchThePulsesTheEnginesReceived() throws {
        let (train, _) = BuiltinTask.split(seed: 2, train: 30, test: 10)
        var rng = SeededGenerator(seed: 6)
        var net = BeliefNet(sizes: [train.features, 5], classes: train.classes, using: &rng)
        let response = try CrossbarHardware().analyticEngine()
        let mapping = WeightMapping(.pair, maxWeight: 0.5)
        // Per-batch: coincidence steps through a device updater.
        let engine = try CountingEngine()
        let steps = try DeviceWeightUpdater(
            layers: net.layers, engines: [engine], encoding: PulseEncoding(levels: 1, xMax: 1, deltaMin: -1, deltaMax: 1),
            mapping: mapping, scheme: .unidirectional)
        let counter = CoincidenceCounter(layers: 1, saved: nil)
        steps.observer = { counter.record($0) }
        // Accumulate: firings programmed row by row.
        let programmer = try CountingEngine()
        let pairs = try PairWriteUpdater(
            layers: net.layers, mapping: mapping, write: .accumulate, threshold: 2, response: response,
            circuit: CrossbarCircuit(), engines: [programmer])
        let counts = try MomentumUpdater(writer: pairs, layers: net.layers, batch: 10, momentum: 0, weightDecay: 0)
        for updater in [steps, counts] as [WeightUpdater] {
            let cd = ContrastiveDivergence(net: net, layer: 0, k: 1, batch: 10, statistics: .samples, generator: SeededGenerator(seed: 1))
            for start in stride(from: 0, to: 30, by: 10) {
                _ = try cd.trainBatch(&net, data: train, indices: Array(start..<(start + 10))[...], rate: 1, updater: updater)
            }
        }
        XCTAssertGreaterThan(engine.coincidences, 0)
        XCTAssertEqual(counter.counts[0].pulses, engine.coincidences)
        XCTAssertGreaterThan(programmer.coincidences, 0)
        XCTAssertEqual(pairs.state.counts[0].pulses, programmer.coincidences)
    }
}
