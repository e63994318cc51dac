import Foundation
import XCTest

@testable import PulseProp

/// The wire-aware analytic write (``WiredAnalyticEngine``) against ngspice on small random
/// wired steps (issue 27 items 5 and 10): 6×6 and 12×8 crossbars, 5–50 Ω segments, 0–100 Ω
/// drivers, the default device and TaOx/HfOx. The bounds are a few times the largest errors
/// measured here (printed; see docs/engines-and-calibration.md, "Wire-aware write"), and the
/// wire-free engine's error on the same steps is printed beside them.
final class WiredWriteSpiceTests: XCTestCase {
    func testRandomWiredStepsAgreeWithSpice() throws {
        var generator = SeededGenerator(seed: 2027)
        let encoding = PulseEncoding(levels: 20)
        var worst = (rms: 0.0, max: 0.0, direction: 1.0)
        for preset in ["metal-oxide", "taox-hfox"] {
            let device = try XCTUnwrap(DevicePreset.named(preset)).device
            for (rows, cols, segment, driver) in [(6, 6, 5.0, 0.0), (6, 6, 50, 100), (12, 8, 20, 50), (12, 8, 50, 0), (12, 8, 5, 100)] {
                let wiring = CrossbarWiring(segmentResistance: segment, driverResistance: driver)
                let circuit = CrossbarCircuit(device: device, wiring: wiring)
                let hardware = CrossbarHardware(circuit: circuit)
                let wired = try hardware.analyticWriteEngine()
                XCTAssertTrue(wired is WiredAnalyticEngine)
                let inputs = try StepInputs.random(rows: rows, cols: cols, seed: generator.next(), encoding: encoding)
                let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
                let c = try EngineComparison(
                    step: step, states: inputs.states, spice: SpiceEngine(circuit: circuit), analytic: wired,
                    wireFree: hardware.analyticEngine())
                let direction = try XCTUnwrap(c.directionAgreement)
                print(String(
                    format: "%@ %dx%d %@: wire-aware rms %.4f %% max %.4f %% direction %.2f %%; wire-free rms %.4f %% max %.4f %%",
                    preset, rows, cols, "\(segment) Ω segments, \(driver) Ω drivers", 100 * c.rmsErrorFraction, 100 * c.maxErrorFraction, 100 * direction,
                    100 * c.wireFreeRmsErrorFraction!, 100 * c.wireFreeMaxErrorFraction!))
                worst = (max(worst.rms, c.rmsErrorFraction), max(worst.max, c.maxErrorFraction), min(worst.direction, direction))
                XCTAssertLessThan(c.rmsErrorFraction, Self.rmsBound, "\(preset) \(rows)x\(cols) \(wiring)")
                XCTAssertLessThan(c.maxErrorFraction, Self.maxBound, "\(preset) \(rows)x\(cols) \(wiring)")
                XCTAssertGreaterThanOrEqual(direction, 1, "\(preset) \(rows)x\(cols) \(wiring)")
                XCTAssertEqual(c.disturbedDevices, 0)
            }
        }
        print("wire-aware write vs SPICE, worst: rms \(worst.rms), max \(worst.max), direction \(worst.direction)")
    }

    /// Device-to-device variation with stuck devices, and cycle-to-cycle noise, through the
    /// wires: the wire-aware engine agrees with SPICE (which simulates the same drawn devices and
    /// factors) within the same bounds, and stuck devices stay at their stuck states.
    func testVariedDevicesAndNoiseThroughWiresAgreeWithSpice() throws {
        let variation = DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 7)
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50), variation: variation)
        let hardware = CrossbarHardware(circuit: circuit)
        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 10, cols: 8, seed: 21, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        for sigma in [0, 0.3] {
            let wired = try hardware.analyticWriteEngine()
            let spice = try SpiceEngine(circuit: circuit, model: .behavioral)
            if sigma > 0 {
                wired.cycleNoise = CycleToCycleNoise(sigma: sigma, seed: 9)
                spice.cycleNoise = CycleToCycleNoise(sigma: sigma, seed: 9)
            }
            let c = try EngineComparison(step: step, states: inputs.states, spice: spice, analytic: wired)
            print(String(format: "varied devices, c2c %.1f: wire-aware rms %.4f %% max %.4f %% direction %.2f %%",
                         sigma, 100 * c.rmsErrorFraction, 100 * c.maxErrorFraction, 100 * (c.directionAgreement ?? 0)))
            XCTAssertLessThan(c.rmsErrorFraction, Self.rmsBound)
            XCTAssertLessThan(c.maxErrorFraction, Self.maxBound)
            let devices = circuit.population(rows: 10, cols: 8)
            let result = try wired.run(step, from: inputs.states)
            for i in 0..<10 {
                for j in 0..<8 {
                    if let stuck = devices.instances?[i, j].stuckState { XCTAssertEqual(result.finalState[i, j], stuck) }
                }
            }
        }
    }

    /// The energy of a wired 12×8 step: the wire-aware estimate of the devices' and the
    /// drivers' energy against SPICE's integrals of `v·i`, per phase (printed; bound from the
    /// measurement), and the drivers deliver more than the devices take.
    func testWiredEnergyAgreesWithSpice() throws {
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50))
        let hardware = CrossbarHardware(circuit: circuit)
        let wired = try hardware.analyticWriteEngine()
        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 12, cols: 8, seed: 11, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let spice = try XCTUnwrap(try SpiceEngine(circuit: circuit, measureEnergy: true).run(step, from: inputs.states).energy)
        let model = try XCTUnwrap(try wired.run(step, from: inputs.states).energy)
        print("energy per phase, SPICE devices \(spice.devices) drivers \(spice.drivers); wire-aware devices \(model.devices) drivers \(model.drivers)")
        for p in 0..<2 {
            XCTAssertEqual(model.devices[p], spice.devices[p], accuracy: Self.energyBound * spice.devices[p])
            XCTAssertEqual(model.drivers[p], spice.drivers[p], accuracy: Self.energyBound * spice.drivers[p])
            XCTAssertGreaterThan(model.drivers[p], model.devices[p])
        }
    }

    /// Relative bound on the energy per phase (measured: 1.2–1.4 % above SPICE, devices and drivers).
    static let energyBound = 0.03

    /// Bounds on the final conductance error, fraction of the range.
    /// Measured over these 10 steps: worst RMS 0.054 %, max 0.11 %, direction 100 % (the
    /// wire-free engine: up to 1.09 % and 3.26 %); the bounds leave about 3× room.
    static let rmsBound = 1.5e-3
    static let maxBound = 3e-3
}
