import XCTest

@testable import PulseProp

/// End-to-end tests of `pulseprop calibrate` and `pulseprop validate`.
final class AnalyticCLITests: XCTestCase {
    func testValidateJSONFields() throws {
        let run = try TestSupport.runCLI(["validate", "--rows", "4", "--cols", "5", "--levels", "20", "--seed", "2", "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        for key in ["rms_error_fraction", "max_error_fraction", "devices", "spice_seconds", "analytic_seconds"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["devices"] as? Int, 20)
        XCTAssertLessThan(try XCTUnwrap(object["rms_error_fraction"] as? Double), 0.01)
        XCTAssertNil(object["read_error_fraction"])

        // With wires: the wire-aware engine, the wire-free one beside it, and the wired read.
        let wired = try TestSupport.runCLI([
            "validate", "--rows", "6", "--cols", "5", "--levels", "20", "--seed", "2", "--wire-resistance", "20",
            "--driver-resistance", "50", "--format", "json",
        ])
        XCTAssertEqual(wired.status, 0, wired.stderr)
        let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(wired.stdout.utf8)) as? [String: Any])
        for key in ["rms_error_fraction", "max_error_fraction", "direction_agreement", "read_error_fraction",
                    "wire_free_rms_error_fraction", "wire_free_max_error_fraction", "wire_free_direction_agreement"] {
            XCTAssertNotNil(fields[key] as? Double, key)
        }
        XCTAssertLessThan(try XCTUnwrap(fields["read_error_fraction"] as? Double), 1e-6)
        XCTAssertLessThan(try XCTUnwrap(fields["rms_error_fraction"] as? Double), try XCTUnwrap(fields["wire_free_rms_error_fraction"] as? Double))
    }

    /// `validate --device-changes` writes every device's change; the summary's RMS error, largest error
    /// and direction agreement computed again from its lines match the JSON's. SPICE runs at
    /// `reltol` 1e-7 unless `--reltol` says otherwise, and both reach ngspice: at ngspice's own
    /// default (1e-3) SPICE's states move, by no more than the order of that tolerance (1.2e-3
    /// of the range was measured on this step); the JSON records the tolerance.
    func testValidateDeviceTableAndTolerance() throws {
        let dir = try TestSupport.temporaryDirectory()
        func run(_ extra: [String], _ name: String) throws -> (summary: [String: Any], lines: [[Double]]) {
            let path = dir.appendingPathComponent(name).path
            let run = try TestSupport.runCLI([
                "validate", "--rows", "6", "--cols", "5", "--levels", "20", "--seed", "3", "--wire-resistance", "20",
                "--driver-resistance", "50", "--format", "json", "--device-changes", path,
            ] + extra)
            XCTAssertEqual(run.status, 0, run.stderr)
            let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let text = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(text.first, "row,col,coincidences,initial_state,dg_spice,dg_analytic,dg_wire_free")
            return (summary, text.dropFirst().map { $0.split(separator: ",").map { Double($0)! } })
        }
        let (summary, lines) = try run([], "default.csv")
        XCTAssertEqual(lines.count, 30)
        XCTAssertEqual(lines.map { [$0[0], $0[1]] }, (0..<6).flatMap { i in (0..<5).map { [Double(i), Double($0)] } })
        let errors = lines.map { abs($0[4] - $0[5]) }
        let rms = (errors.map { $0 * $0 }.reduce(0, +) / 30).squareRoot()
        XCTAssertEqual(try XCTUnwrap(summary["rms_error_fraction"] as? Double), rms, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(summary["max_error_fraction"] as? Double), errors.max()!, accuracy: 1e-12)
        func sign(_ v: Double) -> Int { abs(v) > 1e-9 ? (v > 0 ? 1 : -1) : 0 }
        let written = lines.filter { $0[2] != 0 && (sign($0[4]) != 0 || sign($0[5]) != 0) }
        XCTAssertGreaterThan(written.count, 5)
        XCTAssertEqual(summary["written_devices"] as? Int, written.count)
        let agreeing = Double(written.filter { sign($0[4]) == sign($0[5]) }.count) / Double(written.count)
        XCTAssertEqual(try XCTUnwrap(summary["direction_agreement"] as? Double), agreeing, accuracy: 1e-12)
        XCTAssertEqual(summary["spice_relative_tolerance"] as? Double, 1e-7)
        // Half-selected devices stay.
        for line in lines where line[2] == 0 { XCTAssertEqual(line[4], 0, accuracy: 1e-9) }

        let (loose, looseLines) = try run(["--reltol", "1e-3"], "loose.csv")
        XCTAssertEqual(loose["spice_relative_tolerance"] as? Double, 1e-3)
        let moved = zip(lines, looseLines).map { abs($0[4] - $1[4]) }
        XCTAssertGreaterThan(moved.max()!, 1e-9, "the tolerance must reach ngspice")
        XCTAssertLessThan(moved.max()!, 3e-3)
        XCTAssertEqual(lines.map { $0[5] }, looseLines.map { $0[5] }, "the analytic engine does not depend on SPICE's tolerance")
    }

    func testWireSweepWritesTableAndPlot() throws {
        let dir = try TestSupport.temporaryDirectory()
        let run = try TestSupport.runCLI([
            "validate", "--sweep-sizes", "3", "--sweep-resistances", "0,200", "--levels", "8", "--output", dir.path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let csv = try String(contentsOf: dir.appendingPathComponent("wire-sweep.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        // rms_error_fraction is the wire-aware engine's with wires; wire_free_rms_error_fraction is
        // empty at 0 Ω, where both are one engine.
        let header = lines[0].split(separator: ",").map(String.init)
        let (rmsColumn, wireFreeColumn) = try (
            XCTUnwrap(header.firstIndex(of: "rms_error_fraction")), XCTUnwrap(header.firstIndex(of: "wire_free_rms_error_fraction")))
        let fields = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let rms = fields.map { Double($0[rmsColumn])! }
        XCTAssertEqual(fields[0][wireFreeColumn], "")
        let wireFree = try XCTUnwrap(Double(fields[1][wireFreeColumn]))
        XCTAssertLessThan(rms[0], wireFree, "the wire-free engine's error must grow with wire resistance")
        XCTAssertLessThan(rms[1], wireFree / 3, "the wire-aware engine must beat the wire-free one with wires")
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("wire-sweep.svg"), encoding: .utf8).contains("<polyline"))
        // Each cell's written devices and SPICE tolerance; the direction table has both cells,
        // the wired one with the wire-free engine's agreement in brackets and its count.
        let (writtenColumn, reltolColumn) = try (
            XCTUnwrap(header.firstIndex(of: "written_devices")), XCTUnwrap(header.firstIndex(of: "spice_relative_tolerance")))
        let written = try XCTUnwrap(Int(fields[1][writtenColumn]))
        XCTAssertGreaterThan(written, 0)
        XCTAssertEqual(fields.map { Double($0[reltolColumn]) }, [1e-7, 1e-7])
        let markdown = try String(contentsOf: dir.appendingPathComponent("wire-sweep.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("Written devices moved the same way as in SPICE"), markdown)
        XCTAssertTrue(markdown.contains(" of \(written) |"), markdown)
        XCTAssertTrue(markdown.contains("| 200.0 | ") && markdown.contains(" %) of "), markdown)
    }

    func testCalibrateFromMeasurementsAndUseIt() throws {
        let dir = try TestSupport.temporaryDirectory()
        let csv = try TestSupport.measuredCurves(in: dir)
        let out = dir.appendingPathComponent("m.json").path
        let run = try TestSupport.runCLI(["calibrate", "--from-measurements", csv, "--output", out])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("fit error"))
        let table = try PulseResponseCalibration.load(path: out)
        XCTAssertEqual(table.source, "measurements")
        let bad = dir.appendingPathComponent("bad.csv").path
        try "phase,pulse,conductance\nsideways,0,1e-5\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let failed = try TestSupport.runCLI(["calibrate", "--from-measurements", bad, "--output", out])
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.stderr.contains("line 2"), failed.stderr)
    }
}
