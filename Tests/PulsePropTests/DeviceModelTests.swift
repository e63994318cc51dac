import XCTest

@testable import PulseProp

final class DeviceModelTests: XCTestCase {
    let device = try! ThresholdMemristor()

    func testDeadZoneIsExactlyZero() {
        for v in stride(from: -1.0, through: 1.0, by: 0.05) {
            for x in [0.0, 0.3, 0.7, 1.0] {
                XCTAssertEqual(device.driftRate(voltage: v, state: x), 0, "v=\(v) x=\(x)")
            }
        }
        XCTAssertEqual(device.dose(amplitude: 0.9, plateau: 1e-6, edge: 1e-7), 0)
        XCTAssertEqual(device.dose(amplitude: -0.9, plateau: 1e-6, edge: 1e-7), 0)
    }

    func testPolarityAndWindow() {
        XCTAssertGreaterThan(device.driftRate(voltage: 1.5, state: 0.5), 0)
        XCTAssertLessThan(device.driftRate(voltage: -1.5, state: 0.5), 0)
        // The window stops the state at the bound it is heading for.
        XCTAssertEqual(device.driftRate(voltage: 1.5, state: 1), 0)
        XCTAssertEqual(device.driftRate(voltage: -1.5, state: 0), 0)
    }

    /// A 1 µs pulse at twice the threshold moves a mid-range device by 1 % of its range.
    func testTwiceThresholdPulseMovesAboutOnePercent() {
        let dose = device.dose(amplitude: 2, plateau: 1e-6, edge: 0)
        let x = device.state(after: dose, potentiating: true, from: 0.5)
        XCTAssertEqual(x - 0.5, 0.01, accuracy: 0.0005)
    }

    /// The closed-form dose agrees with a fine numerical integration of dx/dt over a trapezoid.
    func testClosedFormMatchesNumericalIntegration() {
        for amplitude in [1.8, -1.8, 1.3, -1.6] {
            var params = ThresholdDevice()
            params.setExponent = 2
            params.resetExponent = 1.5
            let model = try! ThresholdMemristor(params)
            let (plateau, edge) = (1e-6, 2e-7)
            var w = Waveform()
            w.appendTrain(count: 1, amplitude: amplitude, start: .zero, shape: PulseShape(plateau: plateau, edge: edge, period: 2e-6))
            // Dose by midpoint rule on the rate with the window factored out.
            let n = 200_000
            let dt = (plateau + 2 * edge) / Double(n)
            var numeric = 0.0
            for k in 0..<n {
                let v = w.voltage(at: (Double(k) + 0.5) * dt)
                let x = amplitude > 0 ? 0.0 : 1.0  // window factor = 1
                numeric += abs(model.driftRate(voltage: v, state: x)) * dt
            }
            let closed = model.dose(amplitude: amplitude, plateau: plateau, edge: edge)
            XCTAssertEqual(closed, numeric, accuracy: closed * 1e-6, "amplitude \(amplitude)")
        }
    }

    func testConductanceMapping() {
        XCTAssertEqual(device.conductance(state: 0), 1e-5)
        XCTAssertEqual(device.conductance(state: 1), 1e-4)
        XCTAssertEqual(device.state(conductance: device.conductance(state: 0.37)), 0.37, accuracy: 1e-12)
    }

    func testInvalidParametersAreNamed() {
        var p = ThresholdDevice()
        p.onConductance = p.offConductance / 2
        XCTAssertThrowsError(try ThresholdMemristor(p)) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "onConductance")
        }
        p = ThresholdDevice()
        p.setThreshold = -1
        XCTAssertThrowsError(try p.validate()) { XCTAssertEqual(($0 as? ParameterError)?.parameter, "setThreshold") }
    }
}
