import Foundation
import XCTest

@testable import PulseProp

/// `pulseprop sweep` and the thin `reproduce` commands end to end: plans, runs, locks,
/// failures, resume after a kill, and a real single-node Slurm where one can be started.
final class SweepTests: XCTestCase {
    /// A tiny MNIST-layout set (raw IDX, 6×6 images, 10 classes whose pixel `c` is bright), so
    /// Table 1 plans run in seconds without the real data.
    static func tinyIDXData() throws -> String {
        let folder = try TestSupport.temporaryDirectory().appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 7)
        func write(_ stem: String, count: Int) throws {
            var images = Data([0, 0, 8, 3]) + bigEndian(count) + bigEndian(6) + bigEndian(6)
            var labels = Data([0, 0, 8, 1]) + bigEndian(count)
            for _ in 0..<count {
                let label = Int.random(in: 0..<10, using: &generator)
                labels.append(UInt8(label))
                for pixel in 0..<36 { images.append(pixel == label ? 250 : UInt8.random(in: 0..<60, using: &generator)) }
            }
            try images.write(to: folder.appendingPathComponent("\(stem)-images-idx3-ubyte"))
            try labels.write(to: folder.appendingPathComponent("\(stem)-labels-idx1-ubyte"))
        }
        try write("train", count: 200)
        try write("t10k", count: 60)
        return folder.path
    }

    private static func bigEndian(_ value: Int) -> Data {
        withUnsafeBytes(of: UInt32(value).bigEndian) { Data($0) }
    }

    private func cli(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let run = try TestSupport.runCLI(arguments)
        XCTAssertEqual(run.status, 0, "pulseprop \(arguments.joined(separator: " ")): \(run.stderr)", file: file, line: line)
        return run.stdout
    }

    /// Runs `command` in `/bin/sh`; its exit status and standard output (stderr is dropped).
    @discardableResult
    private func shell(_ command: String, file: StaticString = #filePath, line: UInt = #line) throws -> (status: Int32, output: String) {
        let run = try ChildProcess.shell(command, file: file, line: line)
        return (run.status, run.stdout)
    }

    private func read(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func testReproduceEqualsPlanRunCollectAndTabulatesTheRunsSummaries() throws {
        let data = try Self.tinyIDXData()
        let root = try TestSupport.temporaryDirectory()
        let study = ["--data", data, "--trials", "2", "--epochs", "2", "--levels", "20", "--train-limit", "150"]
        _ = try cli(["reproduce", "table1"] + study + ["--jobs", "2", "--output", root.appendingPathComponent("reproduce").path])
        let plan = root.appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "table1"] + study + ["--output", plan])
        _ = try cli(["sweep", "run", plan, "--jobs", "2"])
        _ = try cli(["sweep", "collect", plan])
        let table = try read(plan + "/table1.csv")
        XCTAssertEqual(table, try read(root.appendingPathComponent("reproduce/table1.csv").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: plan + "/fig6-L20.svg"))

        // Each L20 cell's mean is the mean of its two runs' final test errors, read independently.
        for line in table.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            guard f[0] == "20" else {
                XCTAssertEqual(f[3], "0", "only the 20-level cells were planned: \(line)")
                continue
            }
            let errors = try (1...2).map { seed -> Double in
                let summary = try read("\(plan)/runs/\(f[1])-\(f[2])-L20/seed\(seed)/summary.json")
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
                return try XCTUnwrap(object["test_error"] as? Double) * 100
            }
            XCTAssertEqual(f[3], "2")
            XCTAssertEqual(Double(f[4])!, (errors[0] + errors[1]) / 2, accuracy: 1e-9)
        }
    }

    /// `reproduce devices` equals `sweep plan devices` + run + collect; every cell's row holds
    /// the mean of its runs' final test errors and its pulses per epoch, read independently.
    func testDeviceStudyTabulatesItsRuns() throws {
        let data = try Self.tinyIDXData()
        let root = try TestSupport.temporaryDirectory()
        let study = ["--data", data, "--trials", "2", "--epochs", "2", "--train-limit", "100", "--eta", "0.01", "--devices", "metal-oxide", "--variations", "0"]
        _ = try cli(["reproduce", "devices"] + study + ["--jobs", "2", "--output", root.appendingPathComponent("reproduce").path])
        let plan = root.appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "devices"] + study + ["--output", plan])
        _ = try cli(["sweep", "run", plan, "--jobs", "2"])
        _ = try cli(["sweep", "collect", plan])
        let table = try read(plan + "/devices.csv")
        XCTAssertEqual(table, try read(root.appendingPathComponent("reproduce/devices.csv").path))
        XCTAssertTrue(try read(plan + "/devices.svg").contains("<svg"))
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .map { Array($0[0..<4] + $0[5...]) }  // without the d2d column
        let devices = ["per-example", "per-batch", "accumulate"].flatMap { write in
            ["bidirectional", "unidirectional"].map { "metal-oxide-\($0)" + (write == "per-example" ? "" : "-\(write)") }
        }
        XCTAssertEqual(rows.map { $0[0] }, ["ideal", "ideal-stochastic"] + devices)
        for f in rows {
            let summaries = try (1...2).map { seed -> [String: Any] in
                let text = try read("\(plan)/runs/\(f[0])/seed\(seed)/summary.json")
                return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            }
            let errors = try summaries.map { try XCTUnwrap($0["test_error"] as? Double) * 100 }
            XCTAssertEqual(f[4], "2")
            XCTAssertEqual(Double(f[5])!, (errors[0] + errors[1]) / 2, accuracy: 1e-9)
            let configuration = try XCTUnwrap(summaries[0]["configuration"] as? [String: Any])
            if f[0].hasPrefix("ideal") {
                XCTAssertEqual(configuration["weights"] as? String, "ideal")
                XCTAssertEqual(configuration["rounding"] as? String, f[0] == "ideal" ? "nearest" : "stochastic")
                XCTAssertEqual(f[3], "")
                XCTAssertEqual(f[7], "")
            } else {
                XCTAssertEqual(configuration["weights"] as? String, "pair")
                XCTAssertEqual(configuration["update"] as? String, f[2])
                XCTAssertEqual(configuration["write"] as? String, f[3])
                XCTAssertEqual(configuration["rounding"] as? String, "stochastic")
                // Bidirectional cells are not refreshed: the study spells out what train would otherwise choose.
                XCTAssertEqual(configuration["refresh_saturation"] as? Double, f[2] == "bidirectional" ? 0 : 0.8)
                let pulses = try summaries.map { try XCTUnwrap(($0["circuit"] as? [String: Any])?["pulses_sent"] as? Int) }
                XCTAssertEqual(Double(f[7])!, Double(pulses.reduce(0, +)) / 4, accuracy: 1e-9)
            }
        }
    }

    /// A one-trial, float-weight Table 1 study of `epochs` epochs on the tiny data, run to the
    /// end in `root/reference`: the reference a resumed study must equal.
    private func referenceTable1(epochs: Int) throws -> (root: URL, study: [String], reference: String) {
        let root = try TestSupport.temporaryDirectory()
        let study = ["--data", try Self.tinyIDXData(), "--trials", "1", "--epochs", String(epochs), "--levels", "0"]
        let reference = root.appendingPathComponent("reference").path
        _ = try cli(["reproduce", "table1"] + study + ["--jobs", "2", "--output", reference])
        return (root, study, reference)
    }

    func testResumeAfterKillingTheRunnerGivesTheUninterruptedTable() throws {
        let (root, study, reference) = try referenceTable1(epochs: 6)

        let plan = root.appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "table1"] + study + ["--output", plan])
        let runner = Process()
        runner.executableURL = TestSupport.executable
        runner.arguments = ["sweep", "run", plan, "--jobs", "1"]
        runner.standardError = FileHandle.nullDevice
        try runner.run()
        // Stop it once the first run is done and the second has written a checkpoint.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let done = (try? FileManager.default.subpathsOfDirectory(atPath: plan + "/runs"))?
                .filter { $0.hasSuffix("status.json") }
                .filter { (try? read(plan + "/runs/" + $0))?.contains("\"done\"") == true }.count ?? 0
            let checkpoints = (try? FileManager.default.subpathsOfDirectory(atPath: plan + "/runs"))?
                .filter { $0.hasSuffix("checkpoint.json") }.count ?? 0
            if done >= 1 && checkpoints > done { break }
            usleep(20_000)
        }
        runner.terminate()
        runner.waitUntilExit()
        XCTAssertNotEqual(runner.terminationStatus, 0, "an interrupted run says so")
        let interrupted = try cli(["sweep", "status", plan, "--format", "json"])
        let progress = try SnakeCaseJSON.decode(SweepProgress.self, from: Data(interrupted.utf8))
        XCTAssertGreaterThanOrEqual(progress.done, 1)
        XCTAssertLessThan(progress.done, 4, "the kill came before the end")
        XCTAssertEqual(progress.failed, 0, "an interrupted run is pending, not failed")
        XCTAssertEqual(progress.running, 0)

        _ = try cli(["sweep", "run", plan, "--jobs", "2"])
        _ = try cli(["sweep", "collect", plan])
        XCTAssertEqual(try read(plan + "/table1.csv"), try read(reference + "/table1.csv"))
    }

    /// A study folder kept as `docs/results/` keeps it (plan.json, and per finished run only
    /// log.csv and summary.json; the other runs' folders gone): `sweep status` counts the kept
    /// runs done, `sweep run` runs only the others and leaves the kept results byte for byte,
    /// and the table equals the uninterrupted study's.
    func testAFolderKeptWithOnlyResultsResumesWithoutRedoingThem() throws {
        let (root, _, reference) = try referenceTable1(epochs: 2)

        let kept = root.appendingPathComponent("kept").path
        try FileManager.default.copyItem(atPath: reference, toPath: kept)
        let runs = try FileManager.default.contentsOfDirectory(atPath: kept + "/runs").sorted()
        XCTAssertGreaterThanOrEqual(runs.count, 2)
        var keptFiles: [String: String] = [:]
        for (k, cell) in runs.enumerated() {
            let folder = "\(kept)/runs/\(cell)/seed1"
            if k == 0 {
                try FileManager.default.removeItem(atPath: "\(kept)/runs/\(cell)")  // never committed
                continue
            }
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) where !["log.csv", "summary.json"].contains(file) {
                try FileManager.default.removeItem(atPath: "\(folder)/\(file)")
            }
            for file in ["log.csv", "summary.json"] { keptFiles["\(folder)/\(file)"] = try read("\(folder)/\(file)") }
        }
        for file in ["table1.csv", "table1.md"] { try? FileManager.default.removeItem(atPath: "\(kept)/\(file)") }

        let status = try SnakeCaseJSON.decode(SweepProgress.self, from: Data(try cli(["sweep", "status", kept, "--format", "json"]).utf8))
        XCTAssertEqual(status.done, runs.count - 1, "the kept runs count as done")
        XCTAssertEqual(status.pending, 1)
        _ = try cli(["sweep", "run", kept, "--jobs", "2"])
        for (path, text) in keptFiles { XCTAssertEqual(try read(path), text, "\(path) was run again") }
        _ = try cli(["sweep", "collect", kept])
        XCTAssertEqual(try read(kept + "/table1.csv"), try read(reference + "/table1.csv"))
    }

    func testFailedRunKeepsItsLastLinesAndDoesNotPoisonCollect() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2,3", "--sweep-resistances", "0", "--levels", "4", "--output", plan])
        // Break one run's command line behind the plan's back, as a crashing run would fail.
        let planFile = plan + "/plan.json"
        let broken = try read(planFile).replacingOccurrences(of: "\"3\",\n        \"--cols\"", with: "\"0\",\n        \"--cols\"")
        XCTAssertNotEqual(broken, try read(planFile))
        try broken.write(toFile: planFile, atomically: true, encoding: .utf8)

        let run = try TestSupport.runCLI(["sweep", "run", plan, "--jobs", "2"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("1 run(s) failed"), run.stderr)
        let status = try TestSupport.runCLI(["sweep", "status", plan])
        XCTAssertTrue(status.stdout.contains("1 done") && status.stdout.contains("1 failed"), status.stdout)
        XCTAssertTrue(status.stdout.contains("rows"), "the failure's last line names the bad option: \(status.stdout)")
        _ = try cli(["sweep", "collect", plan])
        let csv = try read(plan + "/wire-sweep.csv").split(separator: "\n")
        XCTAssertEqual(csv.count, 2, "header and the one finished run")
        XCTAssertTrue(csv[1].hasPrefix("2,2,"))
    }

    func testValidateSweepPassesItsCircuitOptionsToEveryRun() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["validate", "--sweep-sizes", "2", "--sweep-resistances", "0,3", "--levels", "4", "--delta-min=-0.5",
                     "--driver-resistance", "40", "--output", plan])
        for wire in ["0", "3"] {
            let comparison = try SnakeCaseJSON.decode(
                EngineComparison.self, from: Data(contentsOf: URL(fileURLWithPath: "\(plan)/runs/2x2-wire\(wire)/comparison.json")))
            XCTAssertEqual(comparison.driverResistance, 40)
            XCTAssertEqual(comparison.wireResistance, Double(wire))
            XCTAssertTrue(try read("\(plan)/runs/2x2-wire\(wire)/run.json").contains("--delta-min=-0.5"))
        }
    }

    func testTwoRunnersNeverRunOneRunTwice() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2,3,4", "--sweep-resistances", "0,5", "--levels", "6", "--output", plan])
        let runners = (0..<2).map { _ -> Process in
            let p = Process()
            p.executableURL = TestSupport.executable
            p.arguments = ["sweep", "run", plan, "--jobs", "2"]
            p.standardError = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            return p
        }
        for r in runners { try r.run() }
        for r in runners {
            r.waitUntilExit()
            XCTAssertEqual(r.terminationStatus, 0)
        }
        let folder = SweepFolder(plan)
        for run in try folder.header().runs {
            let status = try folder.status(of: run)
            XCTAssertEqual(status.state, .done, run.id)
            XCTAssertEqual(status.attempts, 1, run.id)
            let log = try read(folder.folder(of: run) + "/run.log")
            XCTAssertEqual(log.components(separatedBy: "=== attempt").count - 1, 1, run.id)
        }
    }

    /// A run whose lock is held by a live process is skipped (exit 0); a run whose lock cannot
    /// be opened (a folder where the lock file goes) is not done, and `sweep exec` and
    /// `sweep run` say so with a non-zero exit.
    func testOnlyAHeldRunLockIsSkipped() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2", "--sweep-resistances", "0", "--levels", "4", "--output", plan])
        let runFolder = plan + "/runs/2x2-wire0"
        do {
            let held = try OutputLock(folder: runFolder, fileName: SweepExecutor.lockFileName)
            let exec = try TestSupport.runCLI(["sweep", "exec", plan, "--run", "2x2-wire0"])
            XCTAssertEqual(exec.status, 0, exec.stderr)
            XCTAssertTrue(exec.stdout.contains("another process is running it"), exec.stdout)
            let run = try TestSupport.runCLI(["sweep", "run", plan])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stderr.contains("running elsewhere, skipped"), run.stderr)
            held.release()
        }
        try FileManager.default.createDirectory(atPath: runFolder + "/" + SweepExecutor.lockFileName, withIntermediateDirectories: false)
        let exec = try TestSupport.runCLI(["sweep", "exec", plan, "--run", "2x2-wire0"])
        XCTAssertNotEqual(exec.status, 0, exec.stdout)
        XCTAssertTrue(exec.stderr.contains("cannot be locked") && exec.stderr.contains("Is a directory"), exec.stderr)
        let run = try TestSupport.runCLI(["sweep", "run", plan])
        XCTAssertNotEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("cannot be locked") && run.stderr.contains("1 run(s) failed"), run.stderr)
        XCTAssertEqual(try SweepFolder(plan).status(of: SweepFolder(plan).header().runs[0]).state, .pending)
    }

    func testOtherVersionAndCorruptStatusAreRefusedWithOneLine() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2", "--sweep-resistances", "0", "--output", plan])
        let statusFile = plan + "/runs/2x2-wire0/status.json"
        try "{\"state\": \"sleeping\"}".write(toFile: statusFile, atomically: true, encoding: .utf8)
        var run = try TestSupport.runCLI(["sweep", "status", plan])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("status.json: is not a run status file"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)

        let planFile = plan + "/plan.json"
        try read(planFile).replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 99")
            .write(toFile: planFile, atomically: true, encoding: .utf8)
        run = try TestSupport.runCLI(["sweep", "run", plan])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("plan format 99"), run.stderr)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr)
        run = try TestSupport.runCLI(["sweep", "slurm", plan, "--time", "soon"])
        XCTAssertTrue(run.stderr.contains("invalid time"), run.stderr)
    }

    func testCommandsRunUnderAShellLikeGNUParallelWould() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        _ = try cli(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2,3", "--sweep-resistances", "0,2", "--levels", "5", "--output", plan])
        let commands = try cli(["sweep", "commands", plan]).split(separator: "\n")
        XCTAssertEqual(commands.count, 4)
        for command in commands {
            XCTAssertEqual(try shell(String(command)).status, 0, String(command))
        }
        XCTAssertEqual(try cli(["sweep", "commands", plan]), "", "nothing left to run")
        XCTAssertTrue(try cli(["sweep", "status", plan]).contains("4 done"))
    }

    /// The same study submitted to a real single-node Slurm (started by `scripts/local-slurm`)
    /// and run locally gives the same table; the generated script passes `sbatch --test-only`.
    func testSlurmJobArrayGivesTheLocalTable() throws {
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/local-slurm").path
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/slurmctld"), getuid() == 0 else {
            throw XCTSkip("Slurm is not installed here (scripts/local-slurm install, as root); CI installs it")
        }
        XCTAssertEqual(try shell(shellQuoted(script) + " start").status, 0, "scripts/local-slurm start")
        setenv("SLURM_CONF", ProcessInfo.processInfo.environment["PULSEPROP_SLURM_DIR"].map { $0 + "/slurm.conf" } ?? "/tmp/pulseprop-slurm/slurm.conf", 1)
        defer { _ = try? shell(shellQuoted(script) + " stop") }

        let root = try TestSupport.temporaryDirectory()
        let study = ["--sweep-sizes", "2,3", "--sweep-resistances", "0,10", "--levels", "5"]
        let local = root.appendingPathComponent("local").path
        let cluster = root.appendingPathComponent("cluster").path
        _ = try cli(["sweep", "plan", "wire-sweep"] + study + ["--output", local])
        _ = try cli(["sweep", "run", local])
        _ = try cli(["sweep", "collect", local])
        _ = try cli(["sweep", "plan", "wire-sweep"] + study + ["--output", cluster])

        let submitted = try cli(["sweep", "slurm", cluster, "--time", "00:05:00", "--max-parallel", "2", "--submit"])
        XCTAssertTrue(submitted.contains("submitted job"), submitted)
        XCTAssertEqual(try shell("sbatch --test-only " + shellQuoted(cluster + "/slurm/job-1/job.sbatch")).status, 0,
                       "sbatch --test-only accepts the script")

        // Generous: a loaded 2-core machine dispatches array tasks slowly.
        let deadline = Date().addingTimeInterval(600)
        while try SweepProgress(of: SweepFolder(cluster)).done < 4 && Date() < deadline { usleep(200_000) }
        XCTAssertEqual(
            try SweepProgress(of: SweepFolder(cluster)).done, 4,
            "every array task finished; squeue: \((try? shell("squeue").output) ?? "?"); sweep status: \((try? cli(["sweep", "status", cluster])) ?? "?")")
        XCTAssertEqual(try cli(["sweep", "slurm", cluster]).contains("nothing to submit"), true)
        _ = try cli(["sweep", "collect", cluster])
        // Same rows but for the SPICE timing column.
        func withoutTiming(_ path: String) throws -> [String] {
            try read(path).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        XCTAssertEqual(try withoutTiming(cluster + "/wire-sweep.csv"), try withoutTiming(local + "/wire-sweep.csv"))
        XCTAssertEqual(try read(cluster + "/wire-sweep.md"), try read(local + "/wire-sweep.md"))
    }
}
