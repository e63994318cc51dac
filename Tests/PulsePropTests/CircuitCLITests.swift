import XCTest

@testable import PulseProp

/// End-to-end tests of `pulseprop netlist` and `pulseprop simulate`.
final class CircuitCLITests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testSimulateJSONHasEveryFieldAndMatchesTheNgspiceProgram() throws {
        let dir = try TestSupport.temporaryDirectory()
        let netlist = dir.appendingPathComponent("step.cir").path
        let run = try TestSupport.runCLI([
            "simulate", "--rows", "3", "--cols", "2", "--levels", "10", "--seed", "4",
            "--netlist-out", netlist, "--format", "json",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try json(run.stdout)
        XCTAssertEqual((object["x_pulses"] as? [Int])?.count, 3)
        XCTAssertEqual((object["delta_pulses"] as? [Int])?.count, 2)
        for key in ["coincidences", "initial_conductance", "final_conductance", "delta_conductance", "initial_state", "final_state"] {
            let matrix = try XCTUnwrap(object[key] as? [[Any]], key)
            XCTAssertEqual(matrix.count, 3, key)
            XCTAssertEqual(matrix[0].count, 2, key)
        }
        let final = try XCTUnwrap(object["final_state"] as? [[Double]])
        let program = try NgspiceProgram.finalStates(netlistAt: netlist)
        for i in 0..<3 {
            for j in 0..<2 {
                XCTAssertEqual(program["x\(i)_\(j)"]!, final[i][j], accuracy: 1e-6)
            }
        }
        // ΔG is the difference of the reported conductances, signed like the coincidences.
        let g0 = try XCTUnwrap(object["initial_conductance"] as? [[Double]])
        let g1 = try XCTUnwrap(object["final_conductance"] as? [[Double]])
        let dg = try XCTUnwrap(object["delta_conductance"] as? [[Double]])
        let k = try XCTUnwrap(object["coincidences"] as? [[Int]])
        for i in 0..<3 {
            for j in 0..<2 {
                XCTAssertEqual(dg[i][j], g1[i][j] - g0[i][j], accuracy: 1e-15)
                if k[i][j] > 0 { XCTAssertGreaterThan(dg[i][j], 0) }
                if k[i][j] < 0 { XCTAssertLessThan(dg[i][j], 0) }
                if k[i][j] == 0 { XCTAssertLessThan(abs(dg[i][j]), 1e-13) }
            }
        }
    }

    func testInputsFromCSVFiles() throws {
        let dir = try TestSupport.temporaryDirectory()
        try "5,0\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        try "-1\n2\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        try "0.5,0.5\n0.5,0.5\n".write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let run = try TestSupport.runCLI([
            "simulate", "--rows", "2", "--cols", "2", "--levels", "5", "--format", "json",
            "--x", dir.appendingPathComponent("x.csv").path, "--delta", dir.appendingPathComponent("d.csv").path,
            "--state", dir.appendingPathComponent("s.csv").path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try json(run.stdout)
        XCTAssertEqual(object["x_pulses"] as? [Int], [5, 0])
        XCTAssertEqual(object["delta_pulses"] as? [Int], [-1, 2])
        XCTAssertEqual(object["coincidences"] as? [[Int]], [[1, -2], [0, 0]])
    }

    /// The LTspice export, run by ngspice in its LTspice compatibility mode (`ngbehavior=lt`
    /// in a `.spiceinit` beside it), reports the same final states through its `.meas` lines
    /// as the shared-library run (7 printed digits).
    func testLTspiceExportAgreesWithTheSharedLibrary() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["--rows", "3", "--cols", "3", "--levels", "6", "--seed", "4", "--wire-resistance", "5"]
        let export = try TestSupport.runCLI(["netlist"] + arguments + ["--dialect", "ltspice", "--output", dir.appendingPathComponent("lt.cir").path])
        XCTAssertEqual(export.status, 0, export.stderr)
        let simulated = try TestSupport.runCLI(["simulate"] + arguments + ["--format", "json"])
        let final = try XCTUnwrap(try json(simulated.stdout)["final_state"] as? [[Double]])
        try "set ngbehavior=lt\n".write(to: dir.appendingPathComponent(".spiceinit"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ngspice", "-b", "lt.cir"]
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var measured: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("state_") {
            let parts = line.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            measured[parts[0]] = Double(parts[1])
        }
        for i in 0..<3 {
            for j in 0..<3 {
                XCTAssertEqual(try XCTUnwrap(measured["state_x\(i)_\(j)"], output), final[i][j], accuracy: 1e-6)
            }
        }
    }

    func testNetlistExportInEveryDialect() throws {
        let dir = try TestSupport.temporaryDirectory()
        for dialect in ["ngspice", "xyce", "ltspice"] {
            let path = dir.appendingPathComponent("\(dialect).cir").path
            let run = try TestSupport.runCLI([
                "netlist", "--rows", "2", "--cols", "3", "--levels", "4", "--seed", "9",
                "--dialect", dialect, "--wire-resistance", "2", "--output", path,
            ])
            XCTAssertEqual(run.status, 0, run.stderr)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(text.contains("rwr1_2"), dialect)
        }
    }

    /// Bad input fails before any simulation with one line naming the parameter.
    func testBadInputIsNamed() throws {
        let dir = try TestSupport.temporaryDirectory()
        let bad = dir.appendingPathComponent("bad.csv").path
        try "0.5,abc\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--rows", "-2"], "rows"),
            (["--levels", "0"], "levels"),
            (["--set-amplitude", "0.9"], "set-amplitude"),
            (["--reset-amplitude", "2.5"], "half-selected"),
            (["--set-threshold", "3"], "set-amplitude"),
            (["--wire-resistance", "-1"], "wire-resistance"),
            (["--rows", "1", "--cols", "2", "--state", bad], "line 1, field 2"),
        ]
        for (arguments, expected) in cases {
            let run = try TestSupport.runCLI(["simulate"] + arguments)
            XCTAssertNotEqual(run.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(run.stderr.contains(expected), "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stdout.isEmpty)
        }
    }

    /// The example exports in netlists/ are what the current code writes.
    func testExampleNetlistsAreCurrent() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("netlists")
        let list = try String(contentsOf: folder.appendingPathComponent("examples.txt"), encoding: .utf8)
        let dir = try TestSupport.temporaryDirectory()
        for line in list.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            let fresh = dir.appendingPathComponent(words[0]).path
            let run = try TestSupport.runCLI(["netlist"] + words.dropFirst() + ["--output", fresh])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(
                try String(contentsOfFile: fresh, encoding: .utf8),
                try String(contentsOf: folder.appendingPathComponent(words[0]), encoding: .utf8),
                "netlists/\(words[0]) is stale: run scripts/export-netlists")
        }
    }
}
