import Foundation
import XCTest

@testable import PulseProp

/// Names that reach generated scripts and netlists (issue 31, item 4): a plan folder's path in
/// `sweep commands` and the Slurm script, a checkpoint's file name in the title of an
/// `eqprop export` netlist. Each hostile name is used for real and the generated text is run
/// for real (`sh -c` per command line, `bash` on the batch script, `ngspice -b` on the netlist)
/// in a folder where the name's payload would create the file `pwned`; it never does. A name
/// that cannot be written faithfully (a control character in a script) is refused with one line.
final class InjectionTests: XCTestCase {
    /// The file each hostile name tries to create in the folder the generated text runs in.
    static let marker = "pwned"

    /// File names (no `/`) that would run `touch pwned` if pasted raw into a shell line, a
    /// shell comment, an `#SBATCH` line or a SPICE title, and names that are merely awkward.
    static let hostileNames = [
        "nl\n.control\nshell touch pwned\n.endc\n*",
        "nl\ntouch pwned\n#",
        "cr\r.control\rshell touch pwned\r.endc\r*",
        "nel\u{85}touch pwned",
        "$(touch pwned)",
        "`touch pwned`",
        "q'; touch pwned; echo '",
        "dq\"; touch pwned; echo \"",
        "with space",
        "semi;touch pwned",
        "-leading-dash",
        "ünïcødé ☃",
        "pct%j %A #hash",
        "back\\slash",
    ]

    /// Whether the marker appeared in `folder`.
    private func marked(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(Self.marker).path)
    }

    /// `pulseprop` refused with exactly one line on stderr, `invalid plan: '<path, escaped>'…`.
    private func assertRefusedNaming(_ run: (status: Int32, stdout: String, stderr: String), _ path: String, line: UInt = #line) {
        XCTAssertNotEqual(run.status, 0, run.stdout, line: line)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr, line: line)
        XCTAssertTrue(run.stderr.contains("invalid plan: '" + ControlCharacters.escaped(path)), run.stderr, line: line)
    }

    func testControlCharactersAreEscapedOntoOneLine() {
        let table: [(String, String)] = [
            ("plain ünïcødé $(x) `y` 'z'", "plain ünïcødé $(x) `y` 'z'"),
            ("a\nb", #"a\nb"#), ("a\rb\tc", #"a\rb\tc"#), ("e\u{1B}[0m", #"e\u{1B}[0m"#),
            ("nel\u{85}ls\u{2028}", #"nel\u{85}ls\u{2028}"#), ("del\u{7F}", #"del\u{7F}"#),
        ]
        for (text, escaped) in table {
            XCTAssertEqual(ControlCharacters.escaped(text), escaped)
            XCTAssertEqual(ControlCharacters.occur(in: text), text != escaped, text)
            XCTAssertEqual(SpiceFormatting.comment(text), escaped)
        }
    }

    /// For each hostile name: a plan with one unfinished run in a folder of that name, handed to
    /// `body` with a fresh folder to run generated text in, in which no marker may appear.
    private func forEachHostilePlan(_ generated: String, _ body: (_ name: String, _ plan: String, _ folder: URL) throws -> Void) throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in Self.hostileNames {
            let plan = root.appendingPathComponent(name).path
            let run = try TestSupport.runCLI(
                ["sweep", "plan", "wire-sweep", "--sweep-sizes", "2", "--sweep-resistances", "0", "--levels", "5", "--output", plan])
            XCTAssertEqual(run.status, 0, run.stderr)
            let folder = try TestSupport.temporaryDirectory()
            try body(name, plan, folder)
            XCTAssertFalse(marked(folder), "\(generated) for \(ControlCharacters.escaped(name)) ran a command")
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Each line of `sweep commands` run by `sh -c` (as GNU parallel runs it) does its run and
    /// nothing else; a plan folder whose path holds a control character is refused instead.
    func testSweepCommandsRunUnderAShellNeverRunAName() throws {
        try forEachHostilePlan("a line of 'sweep commands'") { name, plan, folder in
            let listed = try TestSupport.runCLI(["sweep", "commands", plan])
            if ControlCharacters.occur(in: name) {
                assertRefusedNaming(listed, plan)
            } else {
                XCTAssertEqual(listed.status, 0, listed.stderr)
                XCTAssertEqual(listed.stdout.split(separator: "\n").count, 1, listed.stdout)
            }
            // Before the fix a newline split the list: each piece ran as a command of its own.
            for line in listed.stdout.split(separator: "\n") {
                let run = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", String(line)], in: folder)
                XCTAssertEqual(run.status, 0, "\(line): \(run.stderr)")
            }
            XCTAssertEqual(try TestSupport.runCLI(["sweep", "status", plan]).stdout.contains("1 done"), !ControlCharacters.occur(in: name), name)
        }
    }

    /// The arguments sbatch reads from the `#SBATCH` lines of `script`, by sbatch's rules
    /// (`_get_argument` in Slurm's src/sbatch/opt.c): whitespace separates, single or double
    /// quotes group, a backslash escapes the next character, an unquoted `#` ends the line.
    private func sbatchArguments(_ script: String) -> [String] {
        var arguments: [String] = []
        for line in script.split(separator: "\n") where line.hasPrefix("#SBATCH") {
            var current: String?
            var quote: Character?
            var escaping = false
            for c in line.dropFirst("#SBATCH".count) {
                if escaping {
                    escaping = false
                } else if c == "\\" {
                    escaping = true
                    continue
                } else if let q = quote {
                    if c == q { quote = nil; continue }
                } else if c == "\"" || c == "'" {
                    quote = c
                    current = current ?? ""
                    continue
                } else if c == "#" {
                    break
                } else if c == " " || c == "\t" {
                    if let word = current { arguments.append(word) }
                    current = nil
                    continue
                }
                current = (current ?? "") + String(c)
            }
            XCTAssertNil(quote, "unmatched quote in \(line)")
            if let word = current { arguments.append(word) }
        }
        return arguments
    }

    /// The batch script of `sweep slurm` parses (`bash -n`), its `#SBATCH --output` is the log
    /// folder as sbatch reads it, and run by `bash` as an array task it does its run and
    /// nothing else; a plan folder whose path holds a control character, or a backslash (which
    /// sbatch's --output cannot take), is refused with one line and no script.
    func testSlurmScriptRunByBashNeverRunsAName() throws {
        try forEachHostilePlan("the batch script") { name, plan, folder in
            let written = try TestSupport.runCLI(["sweep", "slurm", plan])
            let script = plan + "/slurm/job-1/job.sbatch"
            let refused = ControlCharacters.occur(in: name) || name.contains("\\")
            if refused {
                assertRefusedNaming(written, plan)
                XCTAssertFalse(FileManager.default.fileExists(atPath: plan + "/slurm/job-1"), "nothing written for a refused path")
            } else {
                XCTAssertEqual(written.status, 0, written.stderr)
                let text = try String(contentsOfFile: script, encoding: .utf8)
                XCTAssertEqual(try ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-n", script]).status, 0, text)
                let arguments = sbatchArguments(text)
                XCTAssertTrue(
                    arguments.contains("--output=" + plan.replacingOccurrences(of: "%", with: "%%") + "/slurm/logs/%A_%a.out"),
                    "\(arguments)")
                XCTAssertTrue(arguments.contains("--job-name=pulseprop-wire-sweep"), "\(arguments)")
            }
            // Before the fix the script was written whatever the path, and ran its name's lines.
            if FileManager.default.fileExists(atPath: script) {
                let run = try ChildProcess.run(
                    URL(fileURLWithPath: "/usr/bin/env"), ["SLURM_ARRAY_TASK_ID=0", "/bin/bash", script], in: folder)
                XCTAssertEqual(run.status, 0, run.stderr)
            }
            XCTAssertEqual(try TestSupport.runCLI(["sweep", "status", plan]).stdout.contains("1 done"), !refused, name)
        }
    }

    /// A checkpoint's file name goes into the netlist title of every dialect on one line (its
    /// control characters escaped), so the ngspice export run by `ngspice -b` runs no `.control`
    /// block of the name's; every export has the plain name's lines but the title.
    func testCheckpointNamesNeverReachANetlistAsLines() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let trained = try TestSupport.runCLI(["eqprop", "train", "--task", "xor", "--epochs", "1", "--output", root.path])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        let checkpoint = root.appendingPathComponent("checkpoint.json")
        func export(_ checkpoint: String, _ dialect: SpiceDialect) throws -> [Substring] {
            let output = root.appendingPathComponent("export-\(dialect.rawValue).cir").path
            let run = try TestSupport.runCLI(
                ["eqprop", "export", "--task", "xor", "--checkpoint", checkpoint, "--dialect", dialect.rawValue, "--output", output])
            XCTAssertEqual(run.status, 0, run.stderr)
            return try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        }
        let plain = try Dictionary(uniqueKeysWithValues: EqPropNetlist.dialects.map { ($0, try export(checkpoint.path, $0)) })
        for name in Self.hostileNames {
            let hostile = root.appendingPathComponent(name)
            try FileManager.default.copyItem(at: checkpoint, to: hostile)
            for dialect in EqPropNetlist.dialects {
                let lines = try export(hostile.path, dialect)
                XCTAssertEqual(lines.count, plain[dialect]?.count, "\(dialect) export for \(ControlCharacters.escaped(name))")
                XCTAssertEqual(lines[0], "* pulseprop eqprop export --task xor --example 0 --checkpoint \(ControlCharacters.escaped(name))")
                XCTAssertEqual(Array(lines.dropFirst()), plain[dialect].map { Array($0.dropFirst()) }, "\(dialect)")
                XCTAssertFalse(lines.contains { $0.unicodeScalars.contains(where: ControlCharacters.isControl) })
            }
            let folder = try TestSupport.temporaryDirectory()
            let netlist = folder.appendingPathComponent("export.cir")
            try FileManager.default.copyItem(atPath: root.appendingPathComponent("export-ngspice.cir").path, toPath: netlist.path)
            let run = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["ngspice", "-b", netlist.path], in: folder)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertFalse(marked(folder), "ngspice ran a command from the checkpoint name \(ControlCharacters.escaped(name))")
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
