import XCTest

@testable import PulseProp

/// The read's transfer matrix from the line ends' Schur complement (``CrossbarNetwork/Ordering/lineEndsLast``)
/// against the one from sparse solves through the fill-reducing factor, and the wired reader's
/// batch (one product with it) against one direct solve per read.
final class CrossbarReadTransferTests: XCTestCase {
    private func randomConductances(rows: Int, cols: Int, _ generator: inout SeededGenerator) -> Matrix<Double> {
        Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 1e-6...1e-3, using: &generator) }
    }

    /// Agreement to 1e-9 of the largest entry (an exact reformulation: only rounding differs),
    /// with segments, drivers only, tall and wide crossbars, and after a refactor.
    func testSchurTransferEqualsSolvedTransfer() throws {
        var generator = SeededGenerator(seed: 27)
        for (rows, cols, wiring) in [
            (1, 1, CrossbarWiring(segmentResistance: 2, driverResistance: 10)),
            (9, 4, CrossbarWiring(segmentResistance: 1, driverResistance: 10)),
            (4, 13, CrossbarWiring(segmentResistance: 20, driverResistance: 5)),
            (30, 17, CrossbarWiring(segmentResistance: 0.5, driverResistance: 100)),
            (6, 5, CrossbarWiring(segmentResistance: 0, driverResistance: 30)),
        ] {
            let g = randomConductances(rows: rows, cols: cols, &generator)
            let schur = try CrossbarNetwork(wiring: wiring, conductances: g, ordering: .lineEndsLast)
            let solved = try CrossbarNetwork(wiring: wiring, conductances: g)
            assertClose(try schur.readTransfer(), try solved.readTransfer(), "\(rows)x\(cols)")
            let moved = randomConductances(rows: rows, cols: cols, &generator)
            try schur.update(conductances: moved)
            try solved.update(conductances: moved)
            assertClose(try schur.readTransfer(), try solved.readTransfer(), "\(rows)x\(cols) refactored")
        }
    }

    /// The reader's batch through the transfer (from the Schur complement, and from column
    /// solves) and a small batch solved read by read by the line solver equal one direct solve
    /// per read (``CrossbarNetwork/columnCurrents(_:)`` on a fill-reducing network) to 1e-9 of
    /// the largest current.
    func testWiredReaderBatchEqualsDirectSolves() throws {
        for (schurDevices, lineSolveDevices, count) in [(0, Int.max, 12), (Int.max, Int.max, 12), (Int.max, 0, 3)] {
            var generator = SeededGenerator(seed: 8)
            let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 1, driverResistance: 10))
            let reader = try WiredReader(circuit: circuit)
            (reader.schurDevices, reader.lineSolveDevices) = (schurDevices, lineSolveDevices)
            let states = Matrix(rows: 40, cols: 7) { _, _ in Double.random(in: 0...1, using: &generator) }
            let reads = (0..<count).map { _ in (0..<40).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
            let batch = try reader.differentialCurrents(states: states, voltages: reads)
            let devices = circuit.population(rows: 40, cols: 7).conductances(states)
            let g = Matrix(rows: 40, cols: 8) { i, j in j == 7 ? circuit.referenceConductance : devices[i, j] }
            let direct = try CrossbarNetwork(wiring: circuit.wiring, conductances: g).columnCurrents(reads.map { .read($0, columns: 8) })
            let scale = direct.flatMap { $0 }.map(abs).max()!
            for (b, currents) in direct.enumerated() {
                for j in 0..<7 { XCTAssertEqual(batch[b][j], currents[j] - currents[7], accuracy: 1e-9 * scale) }
            }
        }
    }

    private func assertClose(_ a: Matrix<Double>, _ b: Matrix<Double>, _ label: String) {
        XCTAssertEqual(a.rows, b.rows)
        XCTAssertEqual(a.cols, b.cols)
        let scale = b.elements.map(abs).max()!
        let worst = zip(a.elements, b.elements).map { abs($0 - $1) }.max()!
        XCTAssertLessThanOrEqual(worst, 1e-9 * scale, label)
    }
}
