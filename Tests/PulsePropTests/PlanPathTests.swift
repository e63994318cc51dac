import Foundation
import XCTest

@testable import PulseProp

/// Plans store the paths the user named relative to the plan folder, where runs start: a plan
/// (and a committed result folder) holds no path of the machine that made it.
final class PlanPathTests: XCTestCase {
    func testRelativePathsFromAPlanFolder() {
        XCTAssertEqual(PlanPath.relative("/a/b/data", to: "/a/b/plan"), "../data")
        XCTAssertEqual(PlanPath.relative("/a/data/mnist", to: "/a/main/docs/results/table1"), "../../../../data/mnist")
        XCTAssertEqual(PlanPath.relative("/a/plan/inputs", to: "/a/plan"), "inputs")
        XCTAssertEqual(PlanPath.relative("/a/plan", to: "/a/plan"), ".")
        XCTAssertEqual(PlanPath.relative("/a/./b/../data/", to: "/a/plan/"), "../data")
        XCTAssertEqual(PlanPath.relative("../data", to: "/a/plan"), "../data", "already relative to the plan: unchanged")
        for (path, folder) in [("/x/y/z", "/x/q"), ("/p q/d", "/p q/r s/t"), ("/x", "/y/z")] {
            XCTAssertEqual(PlanPath.resolved(PlanPath.relative(path, to: folder), in: folder), path, "\(path) from \(folder)")
        }
        XCTAssertEqual(PlanPath.resolved("/abs/d", in: "/a/plan"), "/abs/d")
    }

    /// `..` follows the real parent, so a plan folder reached through a symbolic link gets the
    /// path that works from its real location.
    func testSymbolicLinksAreResolvedFirst() throws {
        let root = try TestSupport.temporaryDirectory().resolvingSymlinksInPath()
        let real = root.appendingPathComponent("deep/real/plan")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let data = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        let relative = PlanPath.relative(data.path, to: link.path)
        XCTAssertEqual(relative, "../../../data")
        XCTAssertTrue(FileManager.default.fileExists(atPath: real.appendingPathComponent(relative).path))
    }

    /// A planned study's plan.json and run.json files hold no absolute path; its runs name the
    /// data relative to the plan folder, and the folders beside a Table 1 study too.
    func testPlannedStudiesHoldNoAbsolutePath() throws {
        let root = try TestSupport.temporaryDirectory()
        let data = root.appendingPathComponent("data").path
        let beside = root.appendingPathComponent("other table1").path
        try FileManager.default.createDirectory(atPath: beside, withIntermediateDirectories: true)
        let folders = [
            (Table1Study.name, SweepFolder(root.appendingPathComponent("plans/table1").path)),
            (DevicesStudy.name, SweepFolder(root.appendingPathComponent("plans/devices").path)),
            (BeliefNetStudy.name, SweepFolder(root.appendingPathComponent("plans/dbn").path)),
        ]
        try Table1Study.plan(.init(data: data, trials: 1, epochs: 1, levels: [0], beside: [.init(label: "other", folder: beside)]), into: folders[0].1)
        try DevicesStudy.plan(.init(data: data, trials: 1, epochs: 1, devices: ["linear"], variations: [0]), into: folders[1].1)
        try BeliefNetStudy.plan(.init(data: data, trials: 1, epochs: 1, layers: [8], devices: ["linear"], writes: [.accumulate]), into: folders[2].1)
        for (study, folder) in folders {
            let files = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            XCTAssertTrue(files.contains("plan.json"), study)
            for file in files {
                let text = try String(contentsOfFile: folder.file(file), encoding: .utf8)
                XCTAssertFalse(text.contains(root.path) || text.contains(root.path.replacingOccurrences(of: "/", with: "\\/")), "\(study) \(file)")
            }
            let run = try XCTUnwrap(folder.header().runs.first, study)
            let value = try XCTUnwrap(run.arguments.firstIndex(of: "--data")).advanced(by: 1)
            XCTAssertEqual(run.arguments[value], "../../data", study)
            XCTAssertEqual(PlanPath.resolved(run.arguments[value], in: folder.path), data)
        }
        let table1 = try folders[0].1.plan(Table1Study.Options.self)
        XCTAssertEqual(table1.options.beside?.first?.folder, "../../other table1")
        // Planning again into the same folder finds the same runs (the plan is idempotent).
        try Table1Study.plan(.init(data: data, trials: 1, epochs: 1, levels: [0], beside: [.init(label: "other", folder: beside)]), into: folders[0].1)
        XCTAssertEqual(try folders[0].1.plan(Table1Study.Options.self).runs, table1.runs)
    }

    /// End to end from a working folder: a one-character relative plan folder and a data folder
    /// whose name has spaces and quotes; the runs find the data from the plan folder, and the
    /// plan holds neither path as absolute.
    func testOddRelativeNamesPlanAndRun() throws {
        let root = try TestSupport.temporaryDirectory()
        let odd = #"d "q" 'x'"#
        try FileManager.default.copyItem(atPath: SweepTests.tinyIDXData(), toPath: root.appendingPathComponent(odd).path)
        let plan = try TestSupport.runCLI(
            ["sweep", "plan", "table1", "--data", odd, "--trials", "1", "--epochs", "1", "--levels", "0", "--train-limit", "20",
             "--test-limit", "10", "--output", "b"], in: root)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let text = try String(contentsOf: root.appendingPathComponent("b/plan.json"), encoding: .utf8)
        XCTAssertTrue(text.contains(#"..\/d \"q\" 'x'"#), text)
        XCTAssertFalse(text.contains(root.path.replacingOccurrences(of: "/", with: "\\/")))
        let run = try TestSupport.runCLI(["sweep", "run", "b", "--jobs", "2"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try SweepProgress(of: SweepFolder(root.appendingPathComponent("b").path)).done, 4)
    }

    /// The hint `sweep plan` prints names the plan folder as one shell word: pasted into a
    /// shell, it runs that plan, also when the name has a space and a quote.
    func testThePlanHintRunsAsPrinted() throws {
        let root = try TestSupport.temporaryDirectory()
        let odd = "plan it's"
        let plan = try TestSupport.runCLI(
            ["sweep", "plan", "table1", "--data", SweepTests.tinyIDXData(), "--trials", "1", "--epochs", "1", "--levels", "0",
             "--train-limit", "20", "--test-limit", "10", "--output", odd], in: root)
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertTrue(plan.stdout.contains(#"next: pulseprop sweep run 'plan it'\''s' "#), plan.stdout)
        let hint = try XCTUnwrap(plan.stdout.range(of: "next: pulseprop ").map { plan.stdout[$0.upperBound...] })
        let command = String(hint.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
        let status = try ChildProcess.shell("cd \(shellQuoted(root.path)) && \(shellQuoted(TestSupport.executable.path)) \(command) --jobs 2")
        XCTAssertEqual(status.status, 0, command)
        XCTAssertEqual(try SweepProgress(of: SweepFolder(root.appendingPathComponent(odd).path)).done, 4)
    }
}
