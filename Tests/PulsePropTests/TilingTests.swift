import Foundation
import XCTest

@testable import PulseProp

/// Tiles (issue 27 item 4) without ngspice: a layer's tiles partition its devices and its
/// product; a tiled wired read is each tile solved as a crossbar of its own, summed; the
/// tiled wire-aware write is each tile stepped on its own; with ideal wires tiling changes
/// nothing; bad tile sizes are refused with one line naming the option; a tiled wired run
/// resumes bit for bit.
final class TilingTests: XCTestCase {
    /// Every device of the layer lies in exactly one tile, no tile exceeds the tile size, bands
    /// are cut from the top-left with the remainder last, and the tiles' partial products
    /// `Σ_{i ∈ tile} G_ij·v_i`, added per column, are the full product `Σ_i G_ij·v_i`.
    func testTilesPartitionTheLayerAndItsProduct() throws {
        var generator = SeededGenerator(seed: 4)
        for (rows, cols, tileRows, tileCols) in [(785, 110, 256, nil), (10, 6, 4, 3), (7, 4, 7, 4), (5, 9, 1, 2), (12, 3, nil, 1)] as [(Int, Int, Int?, Int?)] {
            let tiling = CrossbarTiling(rows: tileRows, cols: tileCols)
            try tiling.validate(layerRows: rows, layerCols: cols)
            let tiles = tiling.tiles(rows: rows, cols: cols)
            var count = Matrix(rows: rows, cols: cols) { _, _ in 0 }
            for tile in tiles {
                XCTAssertLessThanOrEqual(tile.rows.count, tileRows ?? rows)
                XCTAssertLessThanOrEqual(tile.cols.count, tileCols ?? cols)
                for i in tile.rows { for j in tile.cols { count[i, j] += 1 } }
            }
            XCTAssertEqual(Set(count.elements), [1], "\(rows)x\(cols) at \(tileRows ?? 0)x\(tileCols ?? 0)")
            // ⌈R/r⌉·⌈C/c⌉ tiles.
            let expected = ((rows + (tileRows ?? rows) - 1) / (tileRows ?? rows)) * ((cols + (tileCols ?? cols) - 1) / (tileCols ?? cols))
            XCTAssertEqual(tiles.count, expected)

            let g = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 1e-5...1e-4, using: &generator) }
            let v = (0..<rows).map { _ in Double.random(in: -0.2...0.2, using: &generator) }
            var partial = [Double](repeating: 0, count: cols)
            for tile in tiles {
                let block = g.block(tile)
                for (b, j) in tile.cols.enumerated() {
                    partial[j] += tile.rows.enumerated().reduce(0.0) { $0 + block[$1.offset, b] * v[$1.element] }
                }
            }
            for j in 0..<cols {
                let full = (0..<rows).reduce(0.0) { $0 + g[$1, j] * v[$1] }
                XCTAssertEqual(partial[j], full, accuracy: 1e-12 * (0..<rows).reduce(0.0) { $0 + abs(g[$1, j] * v[$1]) })
            }
        }
        XCTAssertEqual(
            CrossbarTiling(rows: 256).tiles(rows: 785, cols: 110).map(\.rows.count), [256, 256, 256, 17])
        XCTAssertEqual(CrossbarTiling.whole.tiles(rows: 3, cols: 2), [CrossbarTile(rows: 0..<3, cols: 0..<2, band: 0, column: 0)])
    }

    /// A tiled wired read with varied devices equals, per tile, a ``CrossbarNetwork`` of that
    /// tile's devices (their conductances taken from the whole layer's population) plus its own
    /// reference column, read with its rows' voltages, `I_j − I_ref`, summed over the tiles of
    /// each column; the untiled read differs (the wires are longer).
    func testTiledWiredReadIsEachTileSolvedByHandAndSummed() throws {
        var generator = SeededGenerator(seed: 11)
        let (rows, cols) = (11, 7)
        let wiring = CrossbarWiring(segmentResistance: 20, driverResistance: 50)
        let variation = DeviceVariation(d2d: 0.2, stuckOn: 0.05, stuckOff: 0.05, seed: 3)
        let tiling = CrossbarTiling(rows: 4, cols: 3)
        let circuit = CrossbarCircuit(wiring: wiring, variation: variation, tiling: tiling)
        let states = Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &generator) }
        let voltages = (0..<3).map { _ in (0..<rows).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
        let got = try WiredReader(circuit: circuit).differentialCurrents(states: states, voltages: voltages)

        let g = circuit.population(rows: rows, cols: cols).conductances(states)
        var expected = [[Double]](repeating: [Double](repeating: 0, count: cols), count: voltages.count)
        let rowBands = [0..<4, 4..<8, 8..<11], colBands = [0..<3, 3..<6, 6..<7]
        for rowBand in rowBands {
            for colBand in colBands {
                let tileG = Matrix(rows: rowBand.count, cols: colBand.count + 1) { i, j in
                    j == colBand.count ? circuit.referenceConductance : g[rowBand.lowerBound + i, colBand.lowerBound + j]
                }
                let network = try CrossbarNetwork(wiring: wiring, conductances: tileG)
                let currents = try network.columnCurrents(voltages.map {
                    LineDrive(rows: Array($0[rowBand]), columns: [Double](repeating: 0, count: colBand.count + 1))
                })
                for (b, c) in currents.enumerated() {
                    for (k, j) in colBand.enumerated() { expected[b][j] += c[k] - c[colBand.count] }
                }
            }
        }
        for (e, r) in zip(expected, got) {
            let scale = e.map(abs).max()!
            for (x, y) in zip(e, r) { XCTAssertEqual(y, x, accuracy: 1e-12 * scale) }
        }
        var untiled = circuit
        untiled.tiling = .whole
        let whole = try WiredReader(circuit: untiled).differentialCurrents(states: states, voltages: voltages)
        let difference = zip(whole, got).map { zip($0, $1).map { abs($0 - $1) }.max()! }.max()!
        XCTAssertGreaterThan(difference, 1e-3 * expected.flatMap { $0.map(abs) }.max()!)
    }

    /// Ideal wires: tiles are exactly the whole array. The wired read of a tiled layer equals
    /// the untiled one to 1e-12 (only the order of the additions differs), the write engines
    /// are the wire-free engine bit for bit, and a short training run gives the same log and
    /// device states tiled or not.
    func testIdealWiresTilingChangesNoResult() throws {
        var generator = SeededGenerator(seed: 8)
        let tiled = CrossbarCircuit(tiling: CrossbarTiling(rows: 3, cols: 2))
        let states = Matrix(rows: 10, cols: 6) { _, _ in Double.random(in: 0...1, using: &generator) }
        let voltages = (0..<2).map { _ in (0..<10).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
        let a = try WiredReader(circuit: tiled).differentialCurrents(states: states, voltages: voltages)
        let b = try WiredReader(circuit: CrossbarCircuit()).differentialCurrents(states: states, voltages: voltages)
        for (x, y) in zip(a.joined(), b.joined()) { XCTAssertEqual(x, y, accuracy: 1e-12 * 1e-4) }

        let encoding = PulseEncoding(levels: 20)
        let inputs = try StepInputs.random(rows: 10, cols: 6, seed: 2, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let plain = try CrossbarHardware().makeEngine(.analytic).run(step, from: inputs.states)
        XCTAssertEqual(try CrossbarHardware(circuit: tiled).makeEngine(.analytic).run(step, from: inputs.states), plain)

        func train(_ circuit: CrossbarCircuit) throws -> (DeviceWeightUpdater, [BackpropEpoch]) {
            var c = BackpropConfiguration.builtinTask
            c.epochs = 1
            let (train, test) = BuiltinTask.split(seed: 3, train: 8, test: 4)
            let training = try CircuitTraining(
                configuration: c, hardware: CrossbarHardware(circuit: circuit), train: train, test: test, compare: false)
            return (training.updater, try training.run.run().map { var e = $0; e.seconds = 0; return e })
        }
        let (u, log) = try train(CrossbarCircuit())
        let (v, tiledLog) = try train(tiled)
        XCTAssertEqual(log, tiledLog)
        XCTAssertEqual(u.states, v.states)
    }

    /// The tiled wire-aware write equals stepping each tile on its own (an untiled engine on the
    /// tile's rows' and columns' pulse trains and states), bit for bit, energies summed.
    func testTiledWiredWriteIsEachTileSteppedOnItsOwn() throws {
        let wiring = CrossbarWiring(segmentResistance: 10, driverResistance: 30)
        let calibration = try PulseResponseCalibration.resolve(path: nil, for: CrossbarCircuit(wiring: wiring), needsAmplitudeAxis: true)
        let tiling = CrossbarTiling(rows: 5, cols: 4)
        let engine = try WiredAnalyticEngine(circuit: CrossbarCircuit(wiring: wiring, tiling: tiling), calibration: calibration)
        let single = try WiredAnalyticEngine(circuit: CrossbarCircuit(wiring: wiring), calibration: calibration)
        engine.estimatesEnergy = true
        single.estimatesEnergy = true
        let encoding = PulseEncoding(levels: 10)
        for seed in 1...2 as ClosedRange<UInt64> {
            let inputs = try StepInputs.random(rows: 12, cols: 9, seed: seed, encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            let result = try engine.run(step, from: inputs.states)
            var expected = inputs.states
            var devices = [0.0, 0.0], drivers = [0.0, 0.0]
            for tile in tiling.tiles(rows: 12, cols: 9) {
                let own = try single.run(step.tile(tile), from: inputs.states.block(tile))
                expected.setBlock(own.finalState, at: tile)
                let energy = try XCTUnwrap(own.energy)
                devices = zip(devices, energy.devices).map(+)
                drivers = zip(drivers, energy.drivers).map(+)
            }
            XCTAssertEqual(result.finalState, expected)
            XCTAssertNotEqual(expected, try single.run(step, from: inputs.states).finalState)
            let energy = try XCTUnwrap(result.energy)
            for (x, y) in zip(energy.devices + energy.drivers, devices + drivers) { XCTAssertEqual(x, y, accuracy: 1e-12 * y) }
        }
    }

    /// A tile size of 0, or larger than the layer (than the largest layer of a network), is
    /// refused with one line naming the option and the numbers, in the library and the CLI.
    func testBadTileSizesAreRefused() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        XCTAssertEqual(
            message { try CrossbarTiling(rows: 0).validate() }, "invalid tile-rows: a tile must have at least 1 device a side, got 0")
        XCTAssertEqual(
            message { try CrossbarCircuit(tiling: CrossbarTiling(cols: -2)).validate() },
            "invalid tile-cols: a tile must have at least 1 device a side, got -2")
        XCTAssertEqual(
            message { try CrossbarTiling(rows: 9).validate(layerRows: 8, layerCols: 8) },
            "invalid tile-rows: 9 is larger than the layer's 8 rows")
        XCTAssertEqual(
            message { try CrossbarTiling(cols: 9).validate(layerRows: 8, layerCols: 8) },
            "invalid tile-cols: 9 is larger than the layer's 8 columns")
        XCTAssertEqual(
            message {
                var c = BackpropConfiguration.builtinTask
                c.epochs = 1
                let (train, test) = BuiltinTask.split(seed: 3, train: 4, test: 2)
                _ = try CircuitTraining(
                    configuration: c, hardware: CrossbarHardware(circuit: CrossbarCircuit(tiling: CrossbarTiling(rows: 11))),
                    train: train, test: test, compare: false)
            },
            "invalid tile-rows: 11 is larger than the largest layer's 10 rows")

        let dir = try TestSupport.temporaryDirectory()
        let path = dir.appendingPathComponent("x.cir").path
        for (option, value, expected) in [
            ("--tile-rows", "0", "invalid tile-rows: a tile must have at least 1 device a side, got 0"),
            ("--tile-rows", "7", "invalid tile-rows: 7 is larger than the layer's 6 rows"),
            ("--tile-cols", "5", "invalid tile-cols: 5 is larger than the layer's 4 columns"),
        ] {
            let run = try TestSupport.runCLI(["netlist", "--rows", "6", "--cols", "4", option, value, "--output", path])
            XCTAssertNotEqual(run.status, 0)
            let lines = run.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, run.stderr)
            XCTAssertTrue(run.stderr.contains(expected), run.stderr)
        }
        let run = try TestSupport.runCLI(["netlist", "--rows", "6", "--cols", "4", "--tile-cols", "2", "--output", "-"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("invalid output: a tiled layer is written as one netlist per tile"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    /// A tiled circuit's JSON keeps its tiles; an untiled one's has no `tiling` key, and JSON
    /// from before tiles reads as untiled.
    func testTilingIsRecordedAndOldCircuitsReadUntiled() throws {
        let tiled = CrossbarCircuit(tiling: CrossbarTiling(rows: 64))
        let json = try SnakeCaseJSON.encode(tiled, pretty: false)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("\"tiling\":{\"rows\":64}"))
        XCTAssertEqual(try SnakeCaseJSON.decode(CrossbarCircuit.self, from: json), tiled)
        let old = String(decoding: try SnakeCaseJSON.encode(CrossbarCircuit(), pretty: false), as: UTF8.self)
        XCTAssertFalse(old.contains("tiling"))
        XCTAssertEqual(try SnakeCaseJSON.decode(CrossbarCircuit.self, from: Data(old.utf8)).tiling, .whole)
        var command = TrainCommand(output: "out")
        (command.tileRows, command.tileCols) = (128, 32)
        XCTAssertTrue(command.arguments.joined(separator: " ").contains("--tile-rows 128 --tile-cols 32"))
        XCTAssertFalse(TrainCommand(output: "out").arguments.contains("--tile-rows"))
    }

    /// A tiled wired run with wired reads stops after one epoch and resumes to the same
    /// checkpoint as a straight run.
    func testTiledWiredRunResumesExactly() throws {
        var c = BackpropConfiguration.builtinTask
        c.epochs = 2
        let (train, test) = BuiltinTask.split(seed: 2, train: 12, test: 6)
        var hardware = CrossbarHardware(
            circuit: CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 20, driverResistance: 10), tiling: CrossbarTiling(rows: 4, cols: 3)))
        hardware.wiredRead = true
        let resumed = try assertResumeIsExact(c, train: train, test: test, hardware: hardware)
        XCTAssertEqual(resumed.checkpoint.tiling, CrossbarTiling(rows: 4, cols: 3))

        // The checkpoint records the tiles; resuming on others is refused in one line, and a
        // checkpoint without the field (before tiles, or untiled) reads as untiled.
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("checkpoint.json").path
        c.epochs = 1
        _ = try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: false, checkpointPath: path).run.run()
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("\"tiling\":{\"cols\":3,\"rows\":4}"))
        c.epochs = 2
        var other = hardware
        other.circuit.tiling = CrossbarTiling(rows: 5, cols: 3)
        XCTAssertThrowsError(
            try CircuitTraining(configuration: c, hardware: other, train: train, test: test, compare: false, checkpointPath: path, resume: true)
        ) {
            XCTAssertEqual(
                "\($0)",
                "invalid tile-rows: \(path) was trained on tiles of at most 4 rows and 3 columns, not on tiles of at most 5 rows and 3 columns; resume with the same tiles")
        }
        var saved = try SnakeCaseJSON.decode(BackpropCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        saved.tiling = nil
        let old = String(decoding: try saved.json(), as: UTF8.self)
        XCTAssertFalse(old.contains("tiling"))
        XCTAssertNil(try SnakeCaseJSON.decode(BackpropCheckpoint.self, from: Data(old.utf8)).tiling)
        try Data(old.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(
            try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: false, checkpointPath: path, resume: true)
        ) { XCTAssertTrue("\($0)".contains("was trained untiled, not on tiles of at most 4 rows and 3 columns"), "\($0)") }
    }
}
