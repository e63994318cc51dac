import XCTest
@testable import PulseProp

final class EqPropComparisonTests: XCTestCase {
    /// The two engines' equilibria agree within ~1e-9 V (testSpiceAndAnalyticEquilibriaAgree),
    /// so one XOR loss `½(y − t)²` with `y = ΔV/A_out` (A_out = 5 mV) may differ by about
    /// `|y − t|·2e-9/5e-3 < 1e-6`; the pulse counts, rounded from the same draws, are then the
    /// same, and so are the states.
    func testXORCurvesOfBothEnginesAgree() throws {
        var c = try EqPropConfiguration.preset(task: "xor")
        c.epochs = 4
        let comparison = try EqPropComparison(configuration: c, task: .xor, folder: nil, resume: false)
        try comparison.run()
        XCTAssertEqual(comparison.analytic.checkpoint.history.count, 4)
        XCTAssertEqual(comparison.spice.checkpoint.history.count, 4)
        XCTAssertEqual(comparison.spice.configuration.engine, .spice)
        XCTAssertEqual(comparison.largestDifference(\.error), 0)
        XCTAssertLessThan(comparison.largestDifference(\.trainLoss), 1e-6)
        XCTAssertLessThan(comparison.largestStateDifference, 1e-6)
        // The curve moved: the comparison is not of two idle runs.
        let losses = comparison.spice.checkpoint.history.map(\.trainLoss)
        XCTAssertGreaterThan(abs(losses.first! - losses.last!), 1e-3)
    }

    func testCompareWritesBothCurvesAndRefusesAnEngine() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--compare", "--epochs", "2", "--output", dir.path, "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["task", "error", "epochs", "seconds_per_epoch", "largest_state_difference", "analytic", "spice"] {
            XCTAssertNotNil(object[key], key)
        }
        let csv = try String(contentsOf: dir.appendingPathComponent("compare.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "epoch,analytic_train_loss,analytic_error,spice_train_loss,spice_error")
        XCTAssertEqual(csv.count, 3)
        let svg = try String(contentsOf: dir.appendingPathComponent("compare.svg"), encoding: .utf8)
        XCTAssertTrue(svg.contains("SPICE test error") && svg.contains("analytic test error"))
        for file in ["analytic/checkpoint.json", "spice/checkpoint.json", "spice/eqprop.svg", "summary.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), file)
        }
        let refused = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--compare", "--engine", "spice"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("invalid compare:"), refused.stderr)
    }
}
