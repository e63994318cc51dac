import XCTest

@testable import PulseProp

/// Bring your own device: Verilog-A models of `devices/` (and test models written for the
/// refusals) simulated through OSDI, checked, calibrated and exported.
final class VerilogADeviceTests: XCTestCase {
    /// The examples of `devices/`.
    static func example(_ name: String) -> String {
        TestSupport.packageRoot.appendingPathComponent("devices/\(name).va").path
    }

    /// The test models of `Tests/PulsePropTests/VerilogADevices/`.
    static func testModel(_ name: String) -> String {
        TestSupport.packageRoot.appendingPathComponent("Tests/PulsePropTests/VerilogADevices/\(name).va").path
    }

    /// A circuit of the Verilog-A file at `path` (checked: conductances measured).
    static func checkedCircuit(
        _ path: String, parameters: [VerilogADevice.Parameter] = [], wiring: CrossbarWiring = .ideal,
        allowDisturb: Bool = false
    ) throws -> CrossbarCircuit {
        let device = try VerilogADevice.file(path, parameters: parameters)
        let circuit = CrossbarCircuit(device: .verilogA(device), wiring: wiring)
        let (measured, _) = try VerilogADeviceCheck(circuit: circuit, allowDisturb: allowDisturb).run()
        var checked = circuit
        checked.device = .verilogA(measured)
        return checked
    }

    /// The threshold example, equivalent to the built-in model: final states agree with the
    /// built-in compiled model and the B-source form within 1e-6 of the range on random steps,
    /// with and without wires; its measured conductances are the metal-oxide preset's.
    func testThresholdExampleAgreesWithTheBuiltInModel() throws {
        let wirings = [CrossbarWiring.ideal, CrossbarWiring(segmentResistance: 20, driverResistance: 100)]
        for (k, (rows, cols)) in [(3, 5), (8, 8)].enumerated() {
            for wiring in wirings {
                let own = try Self.checkedCircuit(Self.example("threshold"), wiring: wiring)
                let g = try XCTUnwrap(own.device.verilogA?.conductance)
                XCTAssertEqual(g.on, ThresholdDevice.metalOxide.onConductance, accuracy: 1e-12)
                XCTAssertEqual(g.off, ThresholdDevice.metalOxide.offConductance, accuracy: 1e-12)
                let builtIn = CrossbarCircuit(wiring: wiring)
                let encoding = PulseEncoding(levels: 20)
                let inputs = try StepInputs.random(rows: rows, cols: cols, seed: UInt64(70 + k), encoding: encoding)
                let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
                let a = try SpiceEngine(circuit: own).run(step, from: inputs.states)
                for model in [SpiceModelChoice.compiled, .behavioral] {
                    let b = try SpiceEngine(circuit: builtIn, model: model).run(step, from: inputs.states)
                    let worst = zip(a.finalState.elements, b.finalState.elements).map { abs($0 - $1) }.max()!
                    XCTAssertLessThan(worst, 1e-6, "\(rows)x\(cols), \(wiring), \(model): states differ by \(worst)")
                    let moved = zip(b.finalState.elements, inputs.states.elements).map { abs($0 - $1) }.max()!
                    XCTAssertGreaterThan(moved, 1e-3, "the step should move some device")
                }
            }
        }
    }
}

final class VerilogADeviceDebugTests: XCTestCase {
    func testDebugRestart() throws {
        let device = try VerilogADevice.file(VerilogADeviceTests.example("threshold"))
        let circuit = CrossbarCircuit(device: .verilogA(device))
        let engine = try SpiceEngine(circuit: circuit, measureEnergy: true)
        let start = Matrix(rows: 1, cols: 3, elements: [0.3, 0.7, 0.5])
        for n in [1, 2] {
            let step = try LearningStep(rowCounts: [n], columnCounts: [-n, n, 0], slotsPerPhase: n)
            let netlist = try CrossbarNetlist(circuit: circuit, step: step, states: start, measureEnergy: true, compiledModel: engine.compiledModel, reportsFinalStates: false)
            print(netlist.text)
            let (path, energy) = try engine.trajectoriesAndEnergy(netlist)
            print(n, path.elements, energy)
        }
    }
}
