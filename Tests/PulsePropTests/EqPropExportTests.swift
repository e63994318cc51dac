import XCTest
@testable import PulseProp

final class EqPropExportTests: XCTestCase {
    /// Exports the XOR network of `checkpoint` (test example 1) in `dialect` and returns the text.
    private func export(_ dialect: String, checkpoint: String, nudged: Bool, to dir: URL) throws -> String {
        let path = dir.appendingPathComponent("\(dialect)\(nudged ? "-nudged" : "").cir").path
        let run = try TestSupport.runCLI(
            ["eqprop", "export", "--task", "xor", "--checkpoint", checkpoint, "--example", "1", "--dialect", dialect, "--output", path]
                + (nudged ? ["--nudged"] : []))
        XCTAssertEqual(run.status, 0, run.stderr)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    /// A trained XOR run's checkpoint in `dir`, and its network.
    private func trainedXOR(in dir: URL) throws -> (path: String, checkpoint: EqPropCheckpoint) {
        let run = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--epochs", "3", "--output", dir.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let path = dir.appendingPathComponent("checkpoint.json").path
        return (path, try EqPropCheckpoint.read(path))
    }

    /// `name = value` lines of a program's output (ngspice `print`, `.meas` results).
    private func values(_ output: String, prefix: String) -> [String: Double] {
        var found: [String: Double] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix(prefix) {
            let parts = line.components(separatedBy: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count >= 2, let value = Double(parts[1].split(separator: " ")[0]) { found[parts[0]] = value }
        }
        return found
    }

    /// The ngspice export of a trained network runs unchanged in the `ngspice` program and
    /// prints the library's operating point (17 digits, the same simulator: 1e-12 V), which is
    /// the analytic twin's within 1e-6 V; the LTspice export, run by ngspice in its LTspice
    /// compatibility mode, reports the same voltages through its `.meas` lines (6 significant
    /// digits in ngspice 46, 7 in 39.3: within 5e-6 of each value).
    func testNgspiceAndLTspiceExportsRunAndAgreeWithTheLibrary() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, saved) = try trainedXOR(in: dir)
        let network = saved.network
        let example = EqPropTask.xor.test[1]
        try "set ngbehavior=lt\n".write(to: dir.appendingPathComponent(".spiceinit"), atomically: true, encoding: .utf8)
        for nudged in [false, true] {
            let nudge = nudged ? EqPropNudge(beta: saved.configuration.beta, targets: example.target) : nil
            let library = try EqPropSpiceSolver().equilibrium(of: network, input: example.input, nudge: nudge, start: nil)
            let analytic = try EqPropAnalyticSolver().equilibrium(of: network, input: example.input, nudge: nudge, start: nil)
            _ = try export("ngspice", checkpoint: path, nudged: nudged, to: dir)
            let printed = values(try NgspiceProgram.run("ngspice", arguments: ["-b", dir.appendingPathComponent("ngspice\(nudged ? "-nudged" : "").cir").path]), prefix: "v(")
            _ = try export("ltspice", checkpoint: path, nudged: nudged, to: dir)
            let lt = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/env"), ["ngspice", "-b", "ltspice\(nudged ? "-nudged" : "").cir"], in: dir)
            let measured = values(lt.stdout + lt.stderr, prefix: "v_")
            for k in 0..<network.nodes {
                let node = network.nodeName(k)
                XCTAssertEqual(try XCTUnwrap(printed["v(\(node))"], node), library[k], accuracy: 1e-12, node)
                XCTAssertEqual(library[k], analytic[k], accuracy: 1e-6, node)
                XCTAssertEqual(try XCTUnwrap(measured["v_\(node)"], "LTspice \(node)"), library[k], accuracy: 5e-6 * abs(library[k]), node)
            }
        }
    }

    /// The Xyce export (no Xyce here) is the same circuit in Xyce's syntax: the same devices,
    /// sources and leaks line for line, behavioural currents (diode pairs, nudges) in braces
    /// with the LTspice export's expressions, a one-point `.DC` and `.PRINT DC` of every node,
    /// and no ngspice `.control` block.
    func testXyceExportIsTheSameCircuitInXyceSyntax() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (path, saved) = try trainedXOR(in: dir)
        let xyce = try export("xyce", checkpoint: path, nudged: true, to: dir).split(separator: "\n").map(String.init)
        let lt = try export("ltspice", checkpoint: path, nudged: true, to: dir).split(separator: "\n").map(String.init)
        let ng = try export("ngspice", checkpoint: path, nudged: true, to: dir).split(separator: "\n").map(String.init)
        func elements(_ lines: [String], _ prefix: String) -> [String] { lines.filter { $0.hasPrefix(prefix) } }
        for prefix in ["rw", "rl_", "v"] {
            XCTAssertEqual(elements(xyce, prefix), elements(ng, prefix), prefix)
            XCTAssertFalse(elements(xyce, prefix).isEmpty, prefix)
        }
        XCTAssertEqual(elements(xyce, "rw").count, saved.network.deviceCount)
        let behavioural = elements(xyce, "b")
        XCTAssertEqual(behavioural.count, saved.network.nodes + 2 * saved.network.outputs)
        XCTAssertEqual(behavioural.map { $0.replacingOccurrences(of: "={ ", with: "=").replacingOccurrences(of: " }", with: "") }, elements(lt, "b"))
        XCTAssertTrue(behavioural.allSatisfy { $0.contains(" I={ ") && $0.hasSuffix(" }") })
        XCTAssertTrue(xyce.contains(".DC vcp 0.01 0.01 1"))
        let printIndex = try XCTUnwrap(xyce.firstIndex(of: ".PRINT DC FORMAT=CSV"))
        let printed = xyce[(printIndex + 1)...].prefix { $0.hasPrefix("+ ") }.flatMap { $0.dropFirst(2).split(separator: " ") }
        XCTAssertEqual(printed.map(String.init), (0..<saved.network.nodes).map { "v(\(saved.network.nodeName($0)))" })
        XCTAssertFalse(xyce.contains { $0.lowercased().hasPrefix(".control") })
        XCTAssertEqual(xyce.last, ".END")
    }

    func testBadExportOptionsAreRefusedNamingTheOption() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.cir").path
        for (arguments, named) in [
            (["--task", "xor", "--example", "4"], "invalid example:"), (["--task", "xor", "--beta=-1"], "invalid beta:"),
            (["--task", "tic-tac-toe"], "invalid task:"), (["--task", "xor", "--checkpoint", out], "x.cir"),
        ] {
            let refused = try TestSupport.runCLI(["eqprop", "export"] + arguments + ["--output", out])
            XCTAssertNotEqual(refused.status, 0)
            XCTAssertTrue(refused.stderr.contains(named), refused.stderr)
            XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
        }
    }
}
