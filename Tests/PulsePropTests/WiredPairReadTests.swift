import XCTest

@testable import PulseProp

/// The wired read of differential pairs (issue 27, item 7): each product is `I⁺ − I⁻`, the
/// difference of its two columns' currents through the wires, with no reference column;
/// checked against the network solved directly, its device currents `Σ_i G_ij·v_ij` summed by
/// hand (Kirchhoff: what the devices of a column pass is what its sense amplifier collects).
final class WiredPairReadTests: XCTestCase {
    private let wiring = CrossbarWiring(segmentResistance: 10, driverResistance: 20)

    private func randomStates(rows: Int, cols: Int, seed: UInt64) -> Matrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 0...1, using: &generator) }
    }

    private func randomVoltages(count: Int, rows: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<rows).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
    }

    /// `I⁺_j − I⁻_j` of `states` (one crossbar, the whole of it) read at `v`, from the
    /// network's device voltages: column `c` collects `Σ_i G_ic·(v_row(i,c) − v_col(c,i))`.
    private func direct(_ circuit: CrossbarCircuit, states: Matrix<Double>, _ v: [Double]) throws -> [Double] {
        let g = circuit.population(rows: states.rows, cols: states.cols).conductances(states)
        let network = try CrossbarNetwork(wiring: circuit.wiring, conductances: g)
        let across = try network.deviceVoltages(LineDrive.read(v, columns: states.cols))
        let column = (0..<states.cols).map { c in (0..<states.rows).reduce(0.0) { $0 + g[$1, c] * across[$1, c] } }
        return (0..<states.cols / 2).map { column[2 * $0] - column[2 * $0 + 1] }
    }

    /// Untiled, a batch read one solve per read (fewer reads than columns), one read through
    /// the transfer matrix (more) and a read solved by the line solver all equal the direct solve.
    func testPairReadIsTheDifferenceOfTheTwoColumnsCurrents() throws {
        let circuit = CrossbarCircuit(wiring: wiring)
        let states = randomStates(rows: 5, cols: 6, seed: 1)
        for (count, lineSolveDevices) in [(2, Int.max), (9, Int.max), (2, 0)] {
            let reader = try WiredReader(circuit: circuit, columns: .pairs)
            reader.lineSolveDevices = lineSolveDevices
            let voltages = randomVoltages(count: count, rows: 5, seed: UInt64(count))
            let read = try reader.differentialCurrents(states: states, voltages: voltages)
            XCTAssertEqual(read.count, count)
            for (v, currents) in zip(voltages, read) {
                let expected = try direct(circuit, states: states, v)
                XCTAssertEqual(currents.count, 3)
                for (a, b) in zip(currents, expected) { XCTAssertEqual(a, b, accuracy: 1e-12 * max(1, abs(b)) + 1e-15) }
            }
        }
    }

    /// With tiles that split pairs between tiles (3 columns a tile), each tile is its own
    /// network and the column currents of a column's tiles add before the pair's difference.
    func testTiledPairReadAddsEachTilesColumnCurrents() throws {
        let tiling = CrossbarTiling(rows: 2, cols: 3)
        let circuit = CrossbarCircuit(wiring: wiring, tiling: tiling)
        let states = randomStates(rows: 5, cols: 6, seed: 2)
        let v = randomVoltages(count: 1, rows: 5, seed: 3)[0]
        let read = try WiredReader(circuit: circuit, columns: .pairs).differentialCurrents(states: states, voltages: [v])[0]
        var column = [Double](repeating: 0, count: 6)
        let whole = CrossbarCircuit(wiring: wiring)
        for tile in tiling.tiles(rows: 5, cols: 6) {
            let local = states.block(tile)
            let g = whole.population(rows: local.rows, cols: local.cols).conductances(local)
            let network = try CrossbarNetwork(wiring: wiring, conductances: g)
            let across = try network.deviceVoltages(LineDrive.read(Array(v[tile.rows]), columns: local.cols))
            for (k, c) in tile.cols.enumerated() {
                column[c] += (0..<local.rows).reduce(0.0) { $0 + g[$1, k] * across[$1, k] }
            }
        }
        for j in 0..<3 { XCTAssertEqual(read[j], column[2 * j] - column[2 * j + 1], accuracy: 1e-15) }
        // Tiles make the read differ from the untiled one (shorter lines, less drop).
        let untiled = try WiredReader(circuit: whole, columns: .pairs).differentialCurrents(states: states, voltages: [v])[0]
        XCTAssertNotEqual(read, untiled)
    }

    /// The readout turns `I⁺ − I⁻` back into weights: with ideal wires exactly `Σ x·w` of the
    /// pairs' weights, with wires the direct solve's currents scaled by `s/V_read·w_max/ΔG`.
    func testPairReadoutIsTheProductOfThePairs() throws {
        let mapping = WeightMapping(.pair, maxWeight: 4)
        let states = randomStates(rows: 3, cols: 4, seed: 4)
        let weights = mapping.weights(of: states)
        let inputs: [Float] = [0.2, -1.0, 0.5]
        func read(_ circuit: CrossbarCircuit) throws -> ([Float], CircuitEpochStats) {
            let reader = try WiredReader(circuit: circuit, columns: .pairs)
            let readout = try CircuitReadout(reader: reader, mapping: mapping, deviceStates: { _ in states })
            return try TestSupport.readOnce(readout, inputs: inputs, weights: weights, rows: 3, cols: 2)
        }
        let (ideal, idealStats) = try read(CrossbarCircuit())
        for j in 0..<2 {
            let expected = (0..<3).reduce(0.0) { $0 + Double(inputs[$1]) * Double(weights[$1 * 2 + j]) }
            XCTAssertEqual(Double(ideal[j]), expected, accuracy: 1e-5)
        }
        XCTAssertLessThan(idealStats.readRelativeError, 1e-6)

        let circuit = CrossbarCircuit(wiring: wiring)
        let (wired, wiredStats) = try read(circuit)
        let scale = 1.0  // max |x|
        let v = inputs.map { 0.2 * Double($0) / scale }
        let currents = try direct(circuit, states: states, v)
        let range = try ThresholdMemristor(circuit.device).conductanceRange
        for j in 0..<2 {
            XCTAssertEqual(Double(wired[j]), Double(Float(currents[j] * scale / 0.2 * 4 / range)), accuracy: 1e-6)
        }
        XCTAssertGreaterThan(wiredStats.readRelativeError, 1e-4)
        XCTAssertThrowsError(try CircuitReadout(reader: WiredReader(circuit: circuit, columns: .pairs), mapping: mapping)) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "weights")
        }
    }

    /// Training pairs with `wiredRead` reads every product through a pair reader of the
    /// updater's own device states; with ideal wires nothing is read (the ideal product).
    func testPairTrainingReadsThroughTheWires() throws {
        func run(_ wiring: CrossbarWiring) throws -> (CircuitTraining, [BackpropEpoch]) {
            var c = BackpropConfiguration.builtinTask
            (c.epochs, c.weights) = (1, .pair)
            let (train, test) = BuiltinTask.split(seed: 3, train: 8, test: 4)
            var hardware = CrossbarHardware(circuit: CrossbarCircuit(wiring: wiring), engine: .analytic)
            hardware.wiredRead = true
            let training = try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: false)
            return (training, try training.run.run())
        }
        XCTAssertNil(try run(.ideal).0.readout)
        let (training, log) = try run(CrossbarWiring(segmentResistance: 50, driverResistance: 100))
        let reader = try XCTUnwrap(training.readout?.reader as? WiredReader)
        XCTAssertEqual(reader.columns, .pairs)
        let stats = try XCTUnwrap(log.last?.circuit)
        XCTAssertGreaterThan(stats.readProducts, 0)
        XCTAssertGreaterThan(stats.readRelativeError, 1e-4)
        XCTAssertLessThan(stats.readRelativeError, 0.5)
    }
}
