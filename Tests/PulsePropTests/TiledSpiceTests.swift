import Foundation
import XCTest

@testable import PulseProp

/// Tiles in ngspice (issue 27 item 4): `pulseprop netlist` writes one complete netlist per
/// tile, each runs unchanged in `ngspice -b` and gives the tiled SPICE engine's states; the
/// tiled SPICE read equals the tiled wired read; with ideal wires the tiled SPICE step is the
/// untiled one.
final class TiledSpiceTests: XCTestCase {
    /// A 6×4 step with 5 Ω segments at tiles of 4×2: four netlists (`step-r0c0.cir` …
    /// `step-r1c1.cir`) of 4×2, 4×2, 2×2 and 2×2 devices, each with its own drivers; every one
    /// runs in the ngspice program, and their final states, put back together, are what the
    /// tiled ``SpiceEngine`` gives for the same step (the same circuits in the shared library).
    /// The read export writes four read netlists, each with its own reference column.
    func testTiledNetlistExportRunsInNgspiceAndMatchesTheEngine() throws {
        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("step.cir").path
        let common = ["--rows", "6", "--cols", "4", "--levels", "4", "--seed", "9", "--wire-resistance", "5", "--tile-rows", "4", "--tile-cols", "2"]
        let run = try TestSupport.runCLI(["netlist"] + common + ["--output", path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = ["r0c0", "r0c1", "r1c0", "r1c1"]
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), names.map { "step-\($0).cir" })
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 4, run.stdout)

        let encoding = PulseEncoding(levels: 4, xMax: 5, deltaMin: -1, deltaMax: 2)
        let inputs = try StepInputs.random(rows: 6, cols: 4, seed: 9, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let tiling = CrossbarTiling(rows: 4, cols: 2)
        let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 5), tiling: tiling)
        let engine = try SpiceEngine(circuit: circuit)
        let final = try engine.run(step, from: inputs.states).finalState
        var exported = inputs.states
        for (tile, name) in zip(tiling.tiles(rows: 6, cols: 4), names) {
            let text = try String(contentsOfFile: dir.appendingPathComponent("step-\(name).cir").path, encoding: .utf8)
            XCTAssertTrue(text.contains(tile.label), name)
            XCTAssertTrue(text.contains("rwr\(tile.rows.count - 1)_\(tile.cols.count - 1)"), name)  // its own wires
            XCTAssertFalse(text.contains("x\(tile.rows.count)_0 "), name)  // no device beyond the tile
            let measured = try CircuitCLITests.ltspiceMeasurements(in: dir, file: "step-\(name).cir")
            XCTAssertEqual(measured.count, tile.rows.count * tile.cols.count, name)
            for (a, i) in tile.rows.enumerated() {
                for (b, j) in tile.cols.enumerated() { exported[i, j] = try XCTUnwrap(measured["state_x\(a)_\(b)"], name) }
            }
        }
        for (e, f) in zip(exported.elements, final.elements) { XCTAssertEqual(e, f, accuracy: 1e-6) }
        XCTAssertNotEqual(final, inputs.states)

        let read = try TestSupport.runCLI(["netlist", "--read"] + common + ["--output", dir.appendingPathComponent("read.cir").path])
        XCTAssertEqual(read.status, 0, read.stderr)
        for (tile, name) in zip(tiling.tiles(rows: 6, cols: 4), names) {
            let output = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["ngspice", "-b", "read-\(name).cir"], in: dir)
            let printed = (output.stdout + output.stderr).split(separator: "\n").filter { $0.hasPrefix("i(vc") }
            XCTAssertEqual(printed.count, tile.cols.count + 1, "\(name): its columns and its reference column")
        }
    }

    /// Random tiled reads with varied devices: the SPICE read (one operating point per tile)
    /// equals the wired read (one network per tile) within 1e-6 of the largest current.
    func testTiledSpiceReadEqualsTheTiledWiredRead() throws {
        var generator = SeededGenerator(seed: 12)
        let circuit = CrossbarCircuit(
            wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 40),
            variation: DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 5),
            tiling: CrossbarTiling(rows: 5, cols: 3))
        let states = Matrix(rows: 12, cols: 7) { _, _ in Double.random(in: 0...1, using: &generator) }
        let voltages = (0..<2).map { _ in (0..<12).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
        let spice = try SpiceReader(circuit: circuit).differentialCurrents(states: states, voltages: voltages)
        let wired = try WiredReader(circuit: circuit).differentialCurrents(states: states, voltages: voltages)
        for (s, w) in zip(spice, wired) {
            let scale = s.map(abs).max()!
            for (x, y) in zip(s, w) { XCTAssertEqual(y, x, accuracy: 1e-6 * scale) }
        }
    }

    /// Ideal wires: the tiled SPICE step (four transients) gives the untiled one's states and
    /// energy. Each transient picks its own time steps, so they agree to ngspice's tolerance
    /// (1e-4 of the range, 1e-3 of the energy) rather than bit for bit.
    func testIdealWiresTiledSpiceStepIsTheUntiledOne() throws {
        let encoding = PulseEncoding(levels: 6)
        let inputs = try StepInputs.random(rows: 6, cols: 5, seed: 4, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let whole = try SpiceEngine(circuit: CrossbarCircuit(), measureEnergy: true).run(step, from: inputs.states)
        let tiled = try SpiceEngine(circuit: CrossbarCircuit(tiling: CrossbarTiling(rows: 3, cols: 3)), measureEnergy: true)
            .run(step, from: inputs.states)
        var worst = 0.0
        for (a, b) in zip(whole.finalState.elements, tiled.finalState.elements) { worst = max(worst, abs(a - b)) }
        print("ideal wires, tiled vs untiled SPICE step: largest state difference \(worst)")
        XCTAssertLessThan(worst, 1e-9)
        let (e, f) = (try XCTUnwrap(whole.energy), try XCTUnwrap(tiled.energy))
        XCTAssertEqual(f.deviceTotal, e.deviceTotal, accuracy: 1e-3 * e.deviceTotal)
        XCTAssertEqual(f.driverTotal, e.driverTotal, accuracy: 1e-3 * e.driverTotal)
    }
}
