import XCTest

@testable import PulseProp

/// Device-to-device variation and stuck devices: drawn reproducibly from the seed, and
/// simulated alike by SPICE and the analytic engine.
final class DeviceVariationTests: XCTestCase {
    let variation = DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 7)

    /// The same seed gives the same devices, whatever the crossbar size; another seed others;
    /// the fractions and the spread are those asked for.
    func testVariationIsReproducibleFromTheSeed() throws {
        let device = try XCTUnwrap(DevicePreset.named("epiram")).device
        let big = DevicePopulation(device: device, variation: variation, rows: 100, cols: 100)
        let again = DevicePopulation(device: device, variation: variation, rows: 100, cols: 100)
        let small = DevicePopulation(device: device, variation: variation, rows: 4, cols: 6)
        XCTAssertEqual(big.instances, again.instances)
        for i in 0..<4 { for j in 0..<6 { XCTAssertEqual(small.instance(i, j), big.instance(i, j)) } }
        var other = variation
        other.seed = 8
        XCTAssertNotEqual(DevicePopulation(device: device, variation: other, rows: 100, cols: 100).instances, big.instances)
        let all = try XCTUnwrap(big.instances).elements
        let on = all.filter { $0.stuckState == 1 }.count
        let off = all.filter { $0.stuckState == 0 }.count
        // 10 000 devices at 5 %: 500 ± 22 (1σ); allow 4σ.
        XCTAssertEqual(Double(on), 500, accuracy: 88)
        XCTAssertEqual(Double(off), 500, accuracy: 88)
        let logs = all.filter { $0.stuckState == nil }.map { log($0.setRateFactor) }
        let mean = logs.reduce(0, +) / Double(logs.count)
        let sigma = sqrt(logs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(logs.count - 1))
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(sigma, 0.2, accuracy: 0.01)
        XCTAssertTrue(all.allSatisfy { $0.parameters.onConductance > $0.parameters.offConductance })
        XCTAssertNil(DevicePopulation(device: device, variation: .none, rows: 3, cols: 3).instances)
    }

    /// With variation, SPICE and the analytic engine agree within 1 % RMS of the range on a
    /// 12×12 step, stuck devices stay at their states in both, and the varied devices differ.
    func testSpiceAndAnalyticSimulateTheSameVariedDevices() throws {
        for name in ["epiram", "alox-hfo2"] {
            let circuit = CrossbarCircuit(device: try XCTUnwrap(DevicePreset.named(name)).device, variation: variation)
            let encoding = PulseEncoding(levels: 20)
            let inputs = try StepInputs.random(rows: 12, cols: 12, seed: 3, encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            let analytic = try AnalyticEngine(circuit: circuit, calibration: PulseResponseCalibration.resolve(path: nil, for: circuit))
            let comparison = try EngineComparison(
                step: step, states: inputs.states, spice: SpiceEngine(circuit: circuit, model: .behavioral), analytic: analytic)
            XCTAssertLessThan(comparison.rmsErrorFraction, 0.01, name)
            XCTAssertLessThan(comparison.maxErrorFraction, 0.03, name)
            let a = try analytic.run(step, from: inputs.states)
            let devices = circuit.population(rows: 12, cols: 12)
            var nominal = circuit
            nominal.variation = .none
            let plain = try AnalyticEngine(circuit: nominal, calibration: analytic.calibration).run(step, from: inputs.states)
            var differ = 0
            for i in 0..<12 {
                for j in 0..<12 {
                    if let stuck = devices.instance(i, j)?.stuckState {
                        XCTAssertEqual(a.finalState[i, j], stuck)
                        XCTAssertEqual(a.finalConductance[i, j], devices.conductance(state: stuck, row: i, col: j))
                    } else if abs(a.finalState[i, j] - plain.finalState[i, j]) > 1e-4 {
                        differ += 1
                    }
                }
            }
            XCTAssertGreaterThan(differ, 50, name)
        }
    }

    /// Cycle-to-cycle noise in SPICE (per-step rate factors as per-instance parameters) and in
    /// the analytic engine (the same factors scaling each written device's dose), from one seed:
    /// the engines agree as without noise, and the noise moved the devices.
    func testSpiceAndAnalyticDrawTheSameCycleToCycleNoise() throws {
        let circuit = CrossbarCircuit(device: try XCTUnwrap(DevicePreset.named("taox-hfox")).device, variation: variation)
        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 8, cols: 8, seed: 5, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let calibration = try PulseResponseCalibration.resolve(path: nil, for: circuit)
        let analytic = try AnalyticEngine(circuit: circuit, calibration: calibration)
        let quiet = try analytic.run(step, from: inputs.states)
        analytic.cycleNoise = CycleToCycleNoise(sigma: 0.5, seed: 9)
        let spice = try SpiceEngine(circuit: circuit, model: .behavioral)
        spice.cycleNoise = CycleToCycleNoise(sigma: 0.5, seed: 9)
        let comparison = try EngineComparison(step: step, states: inputs.states, spice: spice, analytic: analytic)
        XCTAssertLessThan(comparison.rmsErrorFraction, 0.01)
        XCTAssertLessThan(comparison.maxErrorFraction, 0.03)
        let noisy = try AnalyticEngine(circuit: circuit, calibration: calibration)
        noisy.cycleNoise = CycleToCycleNoise(sigma: 0.5, seed: 9)
        let moved = zip(try noisy.run(step, from: inputs.states).finalState.elements, quiet.finalState.elements)
            .filter { abs($0 - $1) > 1e-3 }.count
        XCTAssertGreaterThan(moved, 10)
    }
}
