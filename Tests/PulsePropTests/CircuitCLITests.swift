import XCTest

@testable import PulseProp

/// End-to-end tests of `pulseprop netlist` and `pulseprop simulate`.
final class CircuitCLITests: XCTestCase {
    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func testSimulateJSONHasEveryFieldAndMatchesTheNgspiceProgram() throws {
        try simulateAndCompareWithProgram(model: .behavioral)
        try simulateAndCompareWithProgram(model: .compiled)
    }

    func simulateAndCompareWithProgram(model: SpiceModelChoice) throws {
        let dir = try TestSupport.temporaryDirectory()
        let netlist = dir.appendingPathComponent("step.cir").path
        let run = try TestSupport.runCLI([
            "simulate", "--rows", "3", "--cols", "2", "--levels", "10", "--seed", "4",
            "--netlist-out", netlist, "--format", "json", "--spice-model", model.rawValue,
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
        let program = try NgspiceProgram.finalStates(netlistAt: netlist, compiledModel: model == .compiled ? TestSupport.compiledModel() : nil)
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

    /// The LTspice export of random steps — sizes 1…5, levels 1…120, periods whose multiples
    /// are no binary fractions, wire resistances, many seeds — run by ngspice in its LTspice
    /// compatibility mode (`ngbehavior=lt` in a `.spiceinit` beside it), reports every
    /// device's final state through its `.meas` lines, equal to the shared library's (7
    /// printed digits). The first case is the one issue 16 found failing. More cases:
    /// `scripts/sweep-ltspice N`.
    func testLTspiceExportAgreesWithTheSharedLibrary() throws {
        let cases = Int(ProcessInfo.processInfo.environment["PULSEPROP_LTSPICE_CASES"] ?? "") ?? 24
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "set ngbehavior=lt\n".write(to: dir.appendingPathComponent(".spiceinit"), atomically: true, encoding: .utf8)
        var rng = SeededGenerator(seed: 16)
        var engines: [String: SpiceEngine] = [:]  // by period and wire resistance
        var worst = 0.0
        for n in 0..<cases {
            let (rows, cols) = n == 0 ? (3, 3) : (Int.random(in: 1...5, using: &rng), Int.random(in: 1...5, using: &rng))
            let levels = n == 0 ? 20 : Int.random(in: 1...120, using: &rng)
            let seed = n == 0 ? 4 : UInt64.random(in: 0...999_999, using: &rng)
            let period = n == 0 ? 2e-6 : [1.2e-6, 1.3e-6, 2e-6, 2.7e-6, 3.3e-6, 1.1e-5].randomElement(using: &rng)!
            let wire: Double = n == 0 ? 0 : [0, 0, 2, 5, 20].randomElement(using: &rng)!
            let circuit = CrossbarCircuit(shape: PulseShape(period: period), wiring: CrossbarWiring(segmentResistance: wire))
            let label = "case \(n): \(rows)x\(cols), levels \(levels), seed \(seed), period \(period) s, wire \(wire) ohm"
            let encoding = PulseEncoding(levels: levels)
            let inputs = try StepInputs.random(rows: rows, cols: cols, seed: seed, encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            let netlist = try CrossbarNetlist(circuit: circuit, step: step, states: inputs.states, dialect: .ltspice)
            try netlist.text.write(to: dir.appendingPathComponent("lt.cir"), atomically: true, encoding: .utf8)
            let measured = try Self.ltspiceMeasurements(in: dir, file: "lt.cir")
            let key = "\(period) \(wire)"
            if engines[key] == nil { engines[key] = try SpiceEngine(circuit: circuit) }
            let final = try engines[key]!.run(step, from: inputs.states).finalState
            for i in 0..<rows {
                for j in 0..<cols {
                    let value = try XCTUnwrap(measured["state_x\(i)_\(j)"], "\(label): no state for x\(i)_\(j)")
                    XCTAssertEqual(value, final[i, j], accuracy: 1e-6, label)
                    worst = max(worst, abs(value - final[i, j]))
                }
            }
        }
        print("LTspice export vs shared library over \(cases) cases: largest difference \(worst)")
    }

    /// Runs `ngspice -b file` in `dir` and returns the `.meas` results by name.
    static func ltspiceMeasurements(in dir: URL, file: String) throws -> [String: Double] {
        let run = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["ngspice", "-b", file], in: dir)
        let output = run.stdout + run.stderr
        var measured: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("state_") {
            let parts = line.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { measured[parts[0]] = Double(parts[1]) }
        }
        return measured
    }

    func testNetlistExportInEveryDialect() throws {
        let dir = try TestSupport.temporaryDirectory()
        for dialect in SpiceDialect.allCases.map(\.rawValue) {
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

    /// Timing the transient cannot resolve and non-finite numbers are refused with one line
    /// naming the option, and nothing is written (issue 10, item 7).
    func testTimingAndNonFiniteOptionsAreRefused() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let output = dir.appendingPathComponent("step.cir").path
        var cases: [([String], String)] = [
            (["--period", "1e3"], "invalid period: 1000.0 s is more than 1000000 times"),
            (["--period", "1e10"], "invalid period"),
            (["--period", "inf"], "invalid period: must be a finite number"),
            (["--rise-time", "inf"], "invalid rise-time: must be a finite number"),
            (["--rise-time", "1e-8", "--pulse-width", "1e-8", "--period", "0.5"], "invalid period"),
        ]
        for option in [
            "x-max", "delta-min", "delta-max", "set-threshold", "reset-threshold", "set-amplitude", "reset-amplitude",
            "pulse-width", "rise-time", "period", "wire-resistance", "driver-resistance", "read-voltage",
        ] {
            cases.append((["--\(option)", "nan"], "invalid \(option): must be a finite number, got nan"))
        }
        for (arguments, expected) in cases {
            let run = try TestSupport.runCLI(["netlist", "--rows", "2", "--cols", "2"] + arguments + ["--output", output])
            XCTAssertNotEqual(run.status, 0, "\(arguments)")
            XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains(expected), "\(arguments): \(run.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: output), "\(arguments)")
        }
        for option in ["lr", "hidden-delta-gain", "weight-range", "x-max", "read-voltage", "period"] {
            let run = try TestSupport.runCLI(["train", "--\(option)", "inf", "--output", dir.path])
            XCTAssertNotEqual(run.status, 0, option)
            XCTAssertTrue(run.stderr.contains("invalid \(option): must be a finite number"), "\(option): \(run.stderr)")
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
            let run = try TestSupport.runCLI(Array(words.dropFirst()) + ["--output", fresh])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(
                try String(contentsOfFile: fresh, encoding: .utf8),
                try String(contentsOf: folder.appendingPathComponent(words[0]), encoding: .utf8),
                "netlists/\(words[0]) is stale: run scripts/export-netlists")
        }
        // What the exports write beside them (the VACASK examples' Verilog-A source).
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where file.hasSuffix(".va") {
            XCTAssertEqual(
                try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8),
                try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                "netlists/\(file) is stale: run scripts/export-netlists")
        }
    }
}
