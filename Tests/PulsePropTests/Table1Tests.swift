import Foundation
import XCTest

@testable import PulseProp

final class Table1Tests: XCTestCase {
    /// Variants sit side by side per cell with n, then the paper's number; an empty cell says n=0.
    func testComparisonPutsVariantsSideBySide() throws {
        let cell = Table1.Cell(levels: 20, feedback: .const, method: .times)
        let shared = Table1.Variant(label: "shared", results: [cell: [0.30, 0.20]])
        let separate = Table1.Variant(label: "separate", results: [cell: [0.15]])
        let markdown = Table1.comparisonMarkdown([shared, separate], epochs: 50, levels: [20])
        let lines = markdown.split(separator: "\n")
        XCTAssertEqual(lines.count, 2 + 4)
        XCTAssertEqual(lines[0], "| test error after 50 epochs | shared | separate | paper |")
        XCTAssertTrue(lines.contains("| 20 pulses, const times | 25.00 ± 7.07 % (n=2) | 15.00 ± 0.00 % (n=1) | 16.7 ± 0.9 % |"), markdown)
        XCTAssertTrue(lines.contains("| 20 pulses, transposed times | — (n=0) | — (n=0) | 8.6 ± 0.4 % |"), markdown)

        let csv = try Table1.comparisonCSV([shared, separate], levels: [20]).split(separator: "\n")
        XCTAssertEqual(
            csv[0],
            "levels,feedback,method,shared_trials,shared_mean_test_error_percent,shared_std_test_error_percent,separate_trials,separate_mean_test_error_percent,separate_std_test_error_percent,paper_mean_percent,paper_std_percent")
        let row = csv.first { $0.hasPrefix("20,const,times,") }!.split(separator: ",")
        XCTAssertEqual(row.count, 11)
        XCTAssertEqual(row[3], "2")
        XCTAssertEqual(Double(row[4])!, 25, accuracy: 1e-9)
        XCTAssertEqual(Double(row[5])!, 50.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(row[6], "1")
        XCTAssertEqual(row[9], "16.7")
    }

    /// `reproduce table1 --levels 20 --quantisation separate --rounding floor` passes the
    /// encoding to every child `train`, does not take a finished trial of another encoding for
    /// its own, and tabulates its cells beside the finished trials of another folder.
    func testReproduceRunsTheEncodingAndComparesWithAnotherFolder() throws {
        let data = try SweepTests.tinyIDXData()
        let root = try TestSupport.temporaryDirectory()
        // A finished shared trial of one cell: in the folder to compare with, and in the output.
        let cell = Table1.Cell(levels: 20, feedback: .transposed, method: .times)
        var configuration = cell.configuration
        configuration.epochs = 1
        let record = BackpropEpoch(epoch: 1, trainError: 0.5, trainLoss: 1, testError: 0.25, testLoss: 1, learningRate: 1e-4, seconds: 1)
        let beside = root.appendingPathComponent("shared").path
        let output = root.appendingPathComponent("out").path
        for folder in [beside, output] {
            try BackpropReport.writeFiles(history: [record], configuration: configuration, folder: "\(folder)/runs/\(configuration.ruleName)/seed1")
        }
        let run = try TestSupport.runCLI([
            "reproduce", "table1", "--data", data, "--levels", "20", "--trials", "1", "--epochs", "1", "--jobs", "2",
            "--quantisation", "separate", "--rounding", "floor", "--output", output, "--beside", "shared=\(beside)",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        for cell in Table1.cells where cell.levels == 20 {
            let summary = try SnakeCaseJSON.decode(
                BackpropReport.Summary.self,
                from: Data(contentsOf: URL(fileURLWithPath: "\(output)/runs/\(cell.configuration.ruleName)/seed1/summary.json")))
            XCTAssertEqual(summary.configuration.quantisation, .separate, cell.configuration.ruleName)
            XCTAssertEqual(summary.configuration.rounding, .floor, cell.configuration.ruleName)
            XCTAssertEqual(summary.configuration.levels, 20)
        }
        let comparison = try String(contentsOfFile: "\(output)/comparison.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(comparison.count, 1 + 4)
        XCTAssertTrue(comparison[0].hasPrefix("levels,feedback,method,separate-floor_trials,separate-floor_mean_test_error_percent,separate-floor_std_test_error_percent,shared_trials,"))
        let row = comparison.first { $0.hasPrefix("20,transposed,times,") }!.split(separator: ",")
        XCTAssertEqual(row[3], "1")
        XCTAssertEqual(row[6], "1")
        XCTAssertEqual(Double(row[7])!, 25, accuracy: 1e-9)
        XCTAssertTrue(try String(contentsOfFile: "\(output)/comparison.md", encoding: .utf8).contains("| separate-floor | shared | paper |"))

        let badBeside = try TestSupport.runCLI(["reproduce", "table1", "--data", data, "--beside", "nolabel"])
        XCTAssertNotEqual(badBeside.status, 0)
        XCTAssertTrue(badBeside.stderr.contains("beside") && badBeside.stderr.contains("LABEL=DIR"), badBeside.stderr)
        let missing = try TestSupport.runCLI(["reproduce", "table1", "--data", data, "--beside", "x=\(root.path)/nowhere"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("beside") && missing.stderr.contains("nowhere"), missing.stderr)
        let badRounding = try TestSupport.runCLI(["reproduce", "table1", "--data", data, "--rounding", "up"])
        XCTAssertNotEqual(badRounding.status, 0)
        XCTAssertTrue(badRounding.stderr.contains("rounding"), badRounding.stderr)
    }
}
