import Foundation
import XCTest

@testable import PulseProp

/// The wired solver against ngspice (issue 27 items 3 and 10): random small wired reads give
/// the column currents of `--spice-read`, and a DC operating point of a wired crossbar driven
/// like a pulse slot gives every device's voltage, well within 1 %.
final class WiredSpiceAgreementTests: XCTestCase {
    /// Random sizes, wirings, states and row voltages: the wired reader's `I_j − I_ref` equal
    /// the SPICE reader's within 1e-6 of the largest current (the aim is 1 %).
    func testRandomWiredReadsAgreeWithSpice() throws {
        var generator = SeededGenerator(seed: 27)
        var worst = 0.0
        for (rows, cols) in [(3, 4), (6, 2), (8, 8), (12, 5), (64, 16)] {
            let wiring = CrossbarWiring(
                segmentResistance: [0, 2, 20, 50].randomElement(using: &generator)!,
                driverResistance: [0, 10, 200].randomElement(using: &generator)!)
            guard !wiring.isIdeal else { continue }
            let circuit = CrossbarCircuit(wiring: wiring)
            let spice = try SpiceReader(circuit: circuit)
            let wired = try WiredReader(circuit: circuit)
            let states = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &generator) }
            let voltages = (0..<3).map { _ in (0..<rows).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
            let expected = try spice.differentialCurrents(states: states, voltages: voltages)
            let got = try wired.differentialCurrents(states: states, voltages: voltages)
            for (e, g) in zip(expected, got) {
                let scale = e.map(abs).max()!
                let error = zip(e, g).map { abs($0 - $1) }.max()! / scale
                worst = max(worst, error)
                XCTAssertLessThan(error, 1e-6, "\(rows)x\(cols) \(wiring)")
            }
        }
        print("wired read vs SPICE: largest difference \(worst) of the largest column current")
    }

    /// A DC operating point of a 5×4 crossbar with 10 Ω segments and 25 Ω drivers, devices as
    /// resistors at random conductances, driven as a potentiation slot (rows `+u/2` or 0,
    /// columns `−u/2` or 0): the solver's device voltages equal ngspice's node differences.
    func testDeviceVoltagesAgreeWithSpiceOperatingPoint() throws {
        var generator = SeededGenerator(seed: 5)
        let (rows, cols) = (5, 4)
        for wiring in [CrossbarWiring(segmentResistance: 10, driverResistance: 25), CrossbarWiring(segmentResistance: 0, driverResistance: 80)] {
            let g = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 1e-5...2e-3, using: &generator) }
            let drive = LineDrive(
                rows: (0..<rows).map { _ in Bool.random(using: &generator) ? 0.9 : 0 },
                columns: (0..<cols).map { _ in Bool.random(using: &generator) ? -0.9 : 0 })
            let lines = CrossbarLines(rows: rows, cols: cols, wiring: wiring)
            var netlist = ["* wired crossbar operating point"]
            netlist += drive.rows.enumerated().map { "vr\($0) r\($0) 0 DC \($1)" }
            netlist += drive.columns.enumerated().map { "vc\($0) c\($0) 0 DC \($1)" }
            netlist += lines.resistors.map { "\($0.name) \($0.a) \($0.b) \($0.ohms)" }
            for i in 0..<rows {
                for j in 0..<cols { netlist.append("rx\(i)_\(j) \(lines.rowNode(i, j)) \(lines.columnNode(j, i)) \(1 / g[i, j])") }
            }
            netlist += [".control", "op", ".endc", ".end"]
            let library = try NgspiceLibrary()
            let spice = try library.withResults(of: netlist.joined(separator: "\n")) {
                var v = Matrix(rows: rows, cols: cols) { _, _ in 0.0 }
                for i in 0..<rows {
                    for j in 0..<cols {
                        v[i, j] = try library.requiredVector(lines.rowNode(i, j), "node")[0]
                            - library.requiredVector(lines.columnNode(j, i), "node")[0]
                    }
                }
                return v
            }
            let solved = try CrossbarNetwork(wiring: wiring, conductances: g).deviceVoltages(drive)
            for (s, v) in zip(spice.elements, solved.elements) { XCTAssertEqual(v, s, accuracy: 1e-9) }
        }
    }
}
