import Foundation
import XCTest

@testable import PulseProp

/// `pulseprop reproduce wires` / `sweep plan wires` (issue 27, item 7): the planned cells and
/// their `train` arguments, bad input refused with one line, and a tiny study end to end.
final class WiresStudyTests: XCTestCase {
    private func arguments(_ runs: [SweepRun], _ id: String) throws -> [String] {
        try XCTUnwrap(runs.first { $0.id == id }?.arguments, id)
    }

    private func value(_ flag: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: flag).map { arguments[$0 + 1] }
    }

    /// The default grid: per device one 0 Ω baseline and 5 resistances × 3 tile sizes × 2
    /// paths, 3 seeds each; every run the transposed-absmin rule at 20 levels on pairs.
    func testPlanHasTheExpectedCellsAndArguments() throws {
        let options = WiresStudy.Options(data: "/data/mnist", trials: 3, epochs: 4)
        let runs = try WiresStudy.runs(options)
        XCTAssertEqual(options.cells.count, 2 * (1 + 5 * 3 * 2))
        XCTAssertEqual(runs.count, 3 * options.cells.count)
        XCTAssertEqual(options.cells.first?.id, "linear-r0")
        XCTAssertEqual(options.cells.last?.id, "taox-hfox-r10-whole-both")
        for run in runs {
            let a = run.arguments
            XCTAssertEqual(value("--method", in: a), "absmin")
            XCTAssertEqual(value("--feedback", in: a), "transposed")
            XCTAssertEqual(value("--levels", in: a), "20")
            XCTAssertEqual(value("--weights", in: a), "pair")
            XCTAssertEqual(value("--update", in: a), "bidirectional")
            XCTAssertEqual(value("--epochs", in: a), "4")
            XCTAssertEqual(value("--output", in: a), "runs/\(run.id)")
        }
        let base = try arguments(runs, "linear-r0/seed1")
        XCTAssertNil(value("--wire-resistance", in: base))
        XCTAssertFalse(base.contains("--wired-read"))
        XCTAssertEqual(value("--device", in: base), "linear")

        let both = try arguments(runs, "taox-hfox-r0.5-t128-both/seed2")
        XCTAssertEqual(value("--device", in: both), "taox-hfox")
        XCTAssertEqual(value("--wire-resistance", in: both), "0.5")
        XCTAssertEqual(value("--driver-resistance", in: both), "0")
        XCTAssertEqual(value("--tile-rows", in: both), "128")
        XCTAssertEqual(value("--seed", in: both), "2")
        XCTAssertTrue(both.contains("--wired-read"))

        let write = try arguments(runs, "linear-r10-whole-write/seed3")
        XCTAssertEqual(value("--wire-resistance", in: write), "10")
        XCTAssertNil(value("--tile-rows", in: write))
        XCTAssertFalse(write.contains("--wired-read"))
    }

    /// Bad values are refused by the options with one line naming the option, and by the CLI
    /// before anything is planned.
    func testBadInputIsRefusedWithOneLine() throws {
        func refused(_ options: WiresStudy.Options, _ option: String, line: UInt = #line) {
            XCTAssertThrowsError(try options.validate(), line: line) { error in
                XCTAssertEqual((error as? ParameterError)?.parameter, option, line: line)
                XCTAssertFalse("\(error)".contains("\n"), line: line)
            }
        }
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, resistances: [0, -1]), "resistances")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, resistances: [.nan]), "resistances")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, resistances: [.infinity]), "resistances")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, resistances: [1, 1]), "resistances")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, tileRows: [0]), "tile-rows")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, tileRows: [nil, nil]), "tile-rows")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, devices: ["nonesuch"]), "devices")
        refused(WiresStudy.Options(data: "/x", trials: 0, epochs: 1), "trials")
        refused(WiresStudy.Options(data: "/x", trials: 1, epochs: 1, paths: []), "paths")

        let data = try SweepTests.tinyIDXData()
        let output = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        for (flags, option) in [
            (["--resistances=0,-1"], "resistances"), (["--resistances", "nan"], "resistances"), (["--tile-rows", "0"], "tile-rows"),
            (["--tile-rows", "64"], "tile-rows"), (["--tile-rows", "ten"], "tile-rows"), (["--paths", "read"], "paths"),
            (["--write", "sometimes"], "write"),
        ] {
            let run = try TestSupport.runCLI(["sweep", "plan", "wires", "--data", data, "--output", output] + flags)
            XCTAssertNotEqual(run.status, 0, flags.joined(separator: " "))
            let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertTrue(message.contains(option), message)
            XCTAssertFalse(FileManager.default.fileExists(atPath: output + "/plan.json"), flags.joined(separator: " "))
        }
    }

    /// Which breaks first is said only when both kinds of cell ran: the read when the write +
    /// read cells break at a lower resistance (or the write alone holds), the write when the
    /// write alone breaks no later; nothing when one kind did not run.
    func testVerdictNeedsBothKindsOfCell() {
        let ran = (write: true, both: true)
        XCTAssertEqual(WiresReport.verdict(write: 2, both: 0.5, ran: ran), " — the read breaks first")
        XCTAssertEqual(WiresReport.verdict(write: nil, both: 5, ran: ran), " — the read breaks first")
        XCTAssertEqual(WiresReport.verdict(write: 2, both: 2, ran: ran), " — the write breaks first")
        XCTAssertEqual(WiresReport.verdict(write: 1, both: nil, ran: ran), " — the write breaks first")
        XCTAssertEqual(WiresReport.verdict(write: nil, both: nil, ran: ran), " — neither breaks")
        XCTAssertEqual(WiresReport.verdict(write: 1, both: nil, ran: (true, false)), "")
        XCTAssertEqual(WiresReport.verdict(write: nil, both: 1, ran: (false, true)), "")
    }

    /// A tiny study (6×6 images, 37 input rows; 0 and 10 Ω, 16-row tiles and the whole layer,
    /// both paths) runs end to end: every cell has a row with its run's test error, the wired
    /// cells dissipate in the wires, the wired reads have an error, and the plot is drawn.
    func testTinyStudyTabulatesItsRuns() throws {
        let data = try SweepTests.tinyIDXData()
        let root = try TestSupport.temporaryDirectory()
        let output = root.appendingPathComponent("wires").path
        let run = try TestSupport.runCLI([
            "reproduce", "wires", "--data", data, "--trials", "1", "--epochs", "1", "--train-limit", "30", "--test-limit", "20",
            "--eta", "0.005", "--devices", "linear", "--resistances", "0,10", "--tile-rows", "16,whole", "--jobs", "2",
            "--output", output,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let csv = try String(contentsOfFile: output + "/wires.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0[0] }, [
            "linear-r0", "linear-r10-t16-write", "linear-r10-t16-both", "linear-r10-whole-write", "linear-r10-whole-both",
        ])
        for f in rows {
            let text = try String(contentsOfFile: "\(output)/runs/\(f[0])/seed1/summary.json", encoding: .utf8)
            let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            XCTAssertEqual(Double(f[6])!, try XCTUnwrap(summary["test_error"] as? Double) * 100, accuracy: 1e-9)
            let wireEnergy = try XCTUnwrap(Double(f[10]))
            if Double(f[2]) == 0 {
                XCTAssertEqual(wireEnergy, 0, f[0])
            } else {
                XCTAssertGreaterThan(wireEnergy, 0, f[0])
            }
            XCTAssertEqual(f[12].isEmpty, f[4] != "both", f[0])
            if f[4] == "both" { XCTAssertGreaterThan(Double(f[12])!, 0, f[0]) }
        }
        XCTAssertTrue(try String(contentsOfFile: output + "/wires.svg", encoding: .utf8).contains("<svg"))
        let markdown = try String(contentsOfFile: output + "/wires.md", encoding: .utf8)
        XCTAssertTrue(markdown.contains("linear, t16 (0 Ω:"), markdown)
    }
}
