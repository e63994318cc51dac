import Foundation
import XCTest

@testable import PulseProp

/// The line solver (``CrossbarLineSolver``): its node voltages satisfy Kirchhoff's current law
/// at every node (checked here from the netlist's elements), equal CHOLMOD's direct solve of
/// the same network, do not depend on the warm start, and bad or ill-conditioned networks are
/// refused.
final class CrossbarLineSolverTests: XCTestCase {
    private func randomConductances(rows: Int, cols: Int, seed: UInt64) -> Matrix<Double> {
        var rng = SeededGenerator(seed: seed)
        return Matrix(rows: rows, cols: cols) { _, _ in Double.random(in: 1e-6...2e-4, using: &rng) }
    }

    private func randomDrive(rows: Int, cols: Int, seed: UInt64) -> LineDrive {
        var rng = SeededGenerator(seed: seed)
        let level = { (rng: inout SeededGenerator) in [0, 0.9, -0.9, 0.45][Int.random(in: 0..<4, using: &rng)] }
        return LineDrive(rows: (0..<rows).map { _ in level(&rng) }, columns: (0..<cols).map { _ in level(&rng) })
    }

    /// Net current out of every node, from the node voltages and the circuit's elements
    /// (segments, devices, each line's first node to its source through `R_driver + R_segment`),
    /// as a fraction of the largest source current `max|V|/(R_driver + R_segment)`.
    private func kirchhoffResidual(_ v: [Double], g: Matrix<Double>, drive: LineDrive, wiring: CrossbarWiring) -> Double {
        let (rows, cols) = (g.rows, g.cols)
        let (gs, ge) = (1 / wiring.segmentResistance, 1 / (wiring.driverResistance + wiring.segmentResistance))
        let row = { (i: Int, j: Int) in v[i * cols + j] }
        let col = { (j: Int, i: Int) in v[rows * cols + j * rows + i] }
        var worst = 0.0
        for i in 0..<rows {
            for j in 0..<cols {
                var out = g[i, j] * (row(i, j) - col(j, i))
                if j > 0 { out += gs * (row(i, j) - row(i, j - 1)) }
                if j < cols - 1 { out += gs * (row(i, j) - row(i, j + 1)) }
                if j == 0 { out += ge * (row(i, 0) - drive.rows[i]) }
                worst = max(worst, abs(out))
            }
        }
        for j in 0..<cols {
            for i in 0..<rows {
                var out = g[i, j] * (col(j, i) - row(i, j))
                if i > 0 { out += gs * (col(j, i) - col(j, i - 1)) }
                if i < rows - 1 { out += gs * (col(j, i) - col(j, i + 1)) }
                if i == 0 { out += ge * (col(j, 0) - drive.columns[j]) }
                worst = max(worst, abs(out))
            }
        }
        let scale = (drive.rows + drive.columns).map(abs).max()! * ge
        return worst / scale
    }

    /// Sizes from 1×1 to 40×13 (single-node lines both ways included), segments from 0.5 to
    /// 50 Ω, drivers from 0 to 1 kΩ: Kirchhoff's law holds at every node to 1e-9 of the
    /// largest source current, and every node, device and first-node voltage equals CHOLMOD's
    /// direct solution to 1e-10 V.
    func testNodeVoltagesObeyKirchhoffAndEqualTheDirectSolve() throws {
        let cases: [(Int, Int, Double, Double)] = [
            (1, 1, 5, 10), (1, 7, 2, 0), (9, 1, 20, 100), (2, 2, 7, 30), (12, 8, 0.5, 10), (40, 13, 50, 1000), (17, 23, 5, 0),
        ]
        for (k, (rows, cols, rs, rd)) in cases.enumerated() {
            let wiring = CrossbarWiring(segmentResistance: rs, driverResistance: rd)
            let g = randomConductances(rows: rows, cols: cols, seed: UInt64(k + 1))
            let solver = try CrossbarLineSolver(wiring: wiring, conductances: g)
            let network = try CrossbarNetwork(wiring: wiring, conductances: g)
            for s in 0..<3 {
                var drive = randomDrive(rows: rows, cols: cols, seed: UInt64(100 * k + s))
                drive.rows[0] = 0.9  // never an all-zero drive
                var devices = Matrix<Double>(rows: 0, cols: 0, elements: [])
                let starts = try solver.solve(drive, deviceVoltages: &devices)
                let nodes = solver.nodeVoltages
                XCTAssertLessThan(kirchhoffResidual(nodes, g: g, drive: drive, wiring: wiring), 1e-9, "\(rows)x\(cols) \(rs) Ω \(rd) Ω")
                let direct = try network.nodeVoltages([drive])[0]
                for (a, b) in zip(nodes, direct) { XCTAssertEqual(a, b, accuracy: 1e-10) }
                let directDevices = try network.deviceVoltages(drive)
                for (a, b) in zip(devices.elements, directDevices.elements) { XCTAssertEqual(a, b, accuracy: 1e-10) }
                XCTAssertEqual(devices.rows, rows)
                XCTAssertEqual(devices.cols, cols)
                let directStarts = (0..<rows).map { direct[network.rowNode($0, 0)] } + (0..<cols).map { direct[network.columnNode($0, 0)] }
                for (a, b) in zip(starts, directStarts) { XCTAssertEqual(a, b, accuracy: 1e-10) }
            }
        }
    }

    /// A warm start changes where CG starts, not where it stops: after other drives and a
    /// change of conductances, a warm and a cold solver give the same node voltages to 1e-11
    /// V; solving the same drive again takes the warm one no iteration.
    func testWarmStartChangesOnlyTheIterations() throws {
        let (rows, cols) = (30, 20)
        let wiring = CrossbarWiring(segmentResistance: 2, driverResistance: 10)
        let g = randomConductances(rows: rows, cols: cols, seed: 9)
        let warm = try CrossbarLineSolver(wiring: wiring, conductances: g)
        let cold = try CrossbarLineSolver(wiring: wiring, conductances: g)
        cold.warmStarts = false
        var drive = LineDrive(rows: [Double](repeating: 0.9, count: rows), columns: [Double](repeating: -0.9, count: cols))
        var (a, b) = (Matrix<Double>(rows: 0, cols: 0, elements: []), Matrix<Double>(rows: 0, cols: 0, elements: []))
        var iterations = (warm: 0, cold: 0)
        for slot in 0..<6 {
            // A pulse train's slots: a few lines fall idle each slot, devices move a little.
            for i in stride(from: slot, to: rows, by: 7) { drive.rows[i] = 0 }
            for j in stride(from: slot, to: cols, by: 5) { drive.columns[j] = 0 }
            let moved = g.map { $0 * (1 + 0.01 * Double(slot)) }
            try warm.update(conductances: moved)
            try cold.update(conductances: moved)
            let (before, beforeCold) = (warm.counts.cgIterations, cold.counts.cgIterations)
            try warm.solve(drive, deviceVoltages: &a)
            try cold.solve(drive, deviceVoltages: &b)
            for (x, y) in zip(warm.nodeVoltages, cold.nodeVoltages) { XCTAssertEqual(x, y, accuracy: 1e-11) }
            if slot > 0 { iterations = (iterations.warm + warm.counts.cgIterations - before, iterations.cold + cold.counts.cgIterations - beforeCold) }
        }
        XCTAssertGreaterThan(iterations.cold, 0)
        // Solving the last drive again: the warm start is the solution, so no iteration.
        let before = warm.counts.cgIterations
        try warm.solve(drive, deviceVoltages: &a)
        XCTAssertEqual(warm.counts.cgIterations, before)
        XCTAssertEqual(warm.counts.factorizations, 7)
    }

    /// Bad conductances, mismatched drives and sizes, and a missing segment resistance are
    /// refused in one line; nearly floating lines (1 GΩ drivers on 1e-9 Ω segments) are
    /// reported as ill-conditioned, as ``CrossbarNetwork`` reports them.
    func testBadInputAndIllConditionedNetworksAreRefused() throws {
        let g = Matrix(rows: 3, cols: 3) { i, j in 1e-4 * Double(1 + i + j) }
        let wiring = CrossbarWiring(segmentResistance: 1, driverResistance: 10)
        XCTAssertThrowsError(try CrossbarLineSolver(wiring: CrossbarWiring(segmentResistance: 0, driverResistance: 10), conductances: g))
        for bad in [-1e-4, .nan, .infinity] {
            var h = g
            h[2, 1] = bad
            XCTAssertThrowsError(try CrossbarLineSolver(wiring: wiring, conductances: h)) {
                guard case .badConductance(2, 1, _)? = $0 as? WiredNetworkError else { return XCTFail("\($0)") }
            }
        }
        let solver = try CrossbarLineSolver(wiring: wiring, conductances: g)
        var v = Matrix<Double>(rows: 0, cols: 0, elements: [])
        XCTAssertThrowsError(try solver.solve(LineDrive(rows: [0.1], columns: [0, 0, 0]), deviceVoltages: &v))
        XCTAssertThrowsError(try solver.solve(LineDrive(rows: [.nan, 0, 0], columns: [0, 0, 0]), deviceVoltages: &v))
        XCTAssertThrowsError(try solver.update(conductances: Matrix(rows: 2, cols: 3) { _, _ in 1e-4 }))
        XCTAssertThrowsError(try CrossbarLineSolver(wiring: CrossbarWiring(segmentResistance: 1e-9, driverResistance: 1e9), conductances: g)) { error in
            guard case .illConditioned(let rcond)? = error as? WiredNetworkError else { return XCTFail("\(error)") }
            XCTAssertLessThan(rcond, 1e-12)
            XCTAssertFalse("\(error)".contains("\n"))
        }
        // An update to ill-conditioning conductances is refused, and so is every solve until a
        // good update.
        let drive = LineDrive.read([0.1, 0.2, 0.1], columns: 3)
        try solver.solve(drive, deviceVoltages: &v)
        let good = v
        XCTAssertThrowsError(try solver.update(conductances: g.map { $0 * 1e18 }))
        XCTAssertThrowsError(try solver.solve(drive, deviceVoltages: &v))
        try solver.update(conductances: g)
        try solver.solve(drive, deviceVoltages: &v)
        for (a, b) in zip(v.elements, good.elements) { XCTAssertEqual(a, b, accuracy: 1e-12) }
        XCTAssertFalse("\(WiredNetworkError.notConverged(iterations: 2000))".contains("\n"))
    }
}
