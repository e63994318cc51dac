import Foundation
import XCTest

@testable import PulseProp

/// The amplitude axis measured in ngspice (listed in Tests/ngspice-tests.txt): a small sweep
/// keeps the nominal table bit for bit, moves nothing at or below the device's threshold, agrees
/// with a direct SPICE step between grid amplitudes, and runs alike on one or two simulators.
final class AmplitudeSpiceCalibrationTests: XCTestCase {
    func testAmplitudeAxisFromNgspice() throws {
        let circuit = CrossbarCircuit()
        let calibrator = try SpiceCalibrator(circuit: circuit, gridStates: 21, pulses: 10, amplitudePulses: 3)
        let engines = try (0..<2).map { _ in try SpiceEngine(circuit: circuit) }
        let nominal = try calibrator.nominal(with: engines[0])
        let calibration = try calibrator.calibrate(with: [engines[0]])
        // The nominal tables are what schema version 1 tabulated, bit for bit.
        XCTAssertEqual(calibration.potentiation, nominal.potentiation)
        XCTAssertEqual(calibration.depression, nominal.depression)
        XCTAssertEqual(calibration.fit, nominal.fit)
        XCTAssertEqual(try calibrator.calibrate(with: engines), calibration, "two simulators in parallel give the same file")
        let axis = try XCTUnwrap(calibration.amplitudeAxis)
        let device = circuit.device.switching
        XCTAssertEqual(
            axis.potentiation.amplitudes, AmplitudeGrid.nodes(threshold: device.setThreshold, nominal: circuit.shape.setAmplitude))
        let table = AmplitudeResponseTable(calibration)
        for x in stride(from: 0.0, through: 1.0, by: 0.07) {
            for v in [0.5 * device.setThreshold, device.setThreshold] {
                XCTAssertEqual(table.state(afterPulseOf: .potentiation, amplitude: v, from: x), x)
                XCTAssertEqual(table.state(afterPulseOf: .depression, amplitude: v, from: x), x)
            }
        }
        // Every interpolation check stays far below the table's own fit error.
        for slices in [axis.potentiation, axis.depression] {
            let check = try XCTUnwrap(slices.interpolationCheck)
            XCTAssertEqual(check.amplitudes.count, 8)
            XCTAssertLessThan(check.maxStateError.max()!, 1e-3)
        }
        // A direct one-pulse step at 1.5 V (between nodes) from a few states.
        var shape = circuit.shape
        (shape.setAmplitude, shape.resetAmplitude) = (1.5, 1.5)
        var off = circuit
        off.shape = shape
        let spice = try SpiceEngine(circuit: off)
        let starts = [0.05, 0.33, 0.61, 0.9]
        let step = try LearningStep(rowCounts: starts.map { _ in 1 }, columnCounts: [-1, 1], slotsPerPhase: 1)
        let result = try spice.run(step, from: Matrix(rows: starts.count, cols: 2) { i, _ in starts[i] })
        for (i, x) in starts.enumerated() {
            XCTAssertEqual(result.finalState[i, 0], table.state(afterPulseOf: .potentiation, amplitude: 1.5, from: x), accuracy: 1e-3)
            XCTAssertEqual(result.finalState[i, 1], table.state(afterPulseOf: .depression, amplitude: 1.5, from: x), accuracy: 1e-3)
        }
    }
}
