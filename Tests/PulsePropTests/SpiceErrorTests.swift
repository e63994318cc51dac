import Foundation
import XCTest

@testable import PulseProp

/// A failed simulation names its first cause as ngspice printed it, the analysis, and where in
/// training it happened; the engine recovers.
final class SpiceErrorTests: XCTestCase {
    private lazy var engine = try! SpiceEngine(circuit: CrossbarCircuit())

    /// Two voltage sources in parallel: ngspice prints the singular matrix first and only then
    /// the failed transient; the first line is the one reported.
    func testSingularMatrixIsTheReportedCause() throws {
        let netlist = "* singular\nV1 a 0 DC 1\nV2 a 0 DC 2\nR1 a 0 1k\n.tran 1n 10n\n.control\nrun\n.endc\n.end\n"
        XCTAssertThrowsError(try engine.load(rawNetlist: netlist)) {
            XCTAssertEqual("\($0)", "ngspice failed: transient analysis (.tran): singular matrix: check node v1#branch")
        }
        let after = try engine.run(TestSupport.step(rows: [2], cols: [-2]), from: Matrix([[0.5]]))
        XCTAssertGreaterThan(after.finalState[0, 0], 0.5, "the engine works again after the failure")
    }

    /// A source whose value contradicts its own node has no solution after 5 ns: ngspice gives
    /// up with "Timestep too small" and no line saying "error"; it is still a failure.
    func testTimestepTooSmallIsAFailure() throws {
        let netlist = "* timestep\nR1 b 0 1k\nB1 b 0 V = time > 5n ? (v(b) > 0.5 ? 0 : 1) : 0\n.tran 0.1n 20n\n.control\nrun\n.endc\n.end\n"
        XCTAssertThrowsError(try engine.load(rawNetlist: netlist)) {
            XCTAssertTrue("\($0)".hasPrefix("ngspice failed: transient analysis (.tran): doAnalyses: TRAN: Timestep too small; time = 5e-09"), "\($0)")
        }
    }

    /// Device training names the learning step and layer whose transient failed (wires of
    /// 1e300 ohm leave nodes with no finite path to the drivers).
    func testTrainingNamesTheStepAndLayer() throws {
        let result = try TestSupport.runCLI([
            "train", "--engine", "spice", "--wire-resistance", "1e300", "--epochs", "1", "--output",
            try TestSupport.temporaryDirectory().path,
        ])
        XCTAssertNotEqual(result.status, 0)
        // Sparse 1.3 finds the matrix singular in step 1's second layer; KLU (the default on
        // ngspice ≥ 42) runs on until the time step collapses, in step 1 or 2: either way the
        // message names the step, the layer and ngspice's cause.
        let pattern = #"learning step \d+, layer \d \((input-to-hidden|hidden-to-output) crossbar\): ngspice failed: transient analysis \(\.tran\): (singular matrix|doAnalyses: TRAN: Timestep too small)"#
        XCTAssertNotNil(result.stderr.range(of: pattern, options: .regularExpression), result.stderr)
    }

    /// A wire sweep whose second row fails reports ngspice's cause and keeps the first row.
    func testSweepKeepsFinishedRows() throws {
        let folder = try TestSupport.temporaryDirectory().path
        let result = try TestSupport.runCLI([
            "validate", "--rows", "2", "--cols", "2", "--sweep-sizes", "2", "--sweep-resistances", "0,1e300", "--output", folder,
        ])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("ngspice failed: transient analysis (.tran): singular matrix: check node"), result.stderr)
        let csv = try String(contentsOfFile: "\(folder)/wire-sweep.csv", encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 2, csv)
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/wire-sweep.svg"))
    }
}
