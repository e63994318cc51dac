import Foundation
import XCTest

@testable import PulseProp

/// What a sweep runner must never do: start children that signals cannot stop, report a lost
/// or unreadable result as done, blame an earlier attempt for a failure, write outside its plan
/// folder, or leave a run marked running that nothing runs. Library-level cases run a shell as
/// the "pulseprop" of a plan; the end-to-end cases run the real binary with deadlines.
final class SweepReliabilityTests: XCTestCase {
    private struct NoOptions: Codable, Sendable {}

    /// A plan folder whose runs are shell commands (`sh -c COMMAND` in the plan folder), and an
    /// executor that runs them with `/bin/sh` as its executable.
    private func shellPlan(_ commands: [String: String]) throws -> (SweepFolder, SweepExecutor, [String: SweepRun]) {
        let folder = SweepFolder(try TestSupport.temporaryDirectory().appendingPathComponent("plan").path)
        let runs = commands.keys.sorted().map { SweepRun(id: $0, arguments: ["-c", commands[$0]!]) }
        try folder.write(SweepPlan(study: "shell", options: NoOptions(), runs: runs)) { _, _ in false }
        let executor = SweepExecutor(folder: folder, executable: URL(fileURLWithPath: "/bin/sh"))
        return (folder, executor, Dictionary(uniqueKeysWithValues: runs.map { ($0.id, $0) }))
    }

    /// The `SigBlk`/`SigIgn` masks of a process, from its `/proc/PID/status` lines.
    private func masks(_ statusLines: String) -> [String: UInt64] {
        var masks: [String: UInt64] = [:]
        for line in statusLines.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, ["SigBlk", "SigIgn"].contains(parts[0]) { masks[parts[0]] = UInt64(parts[1], radix: 16) }
        }
        return masks
    }

    /// Item 3: a runner ignores SIGINT/SIGTERM itself (it takes them through dispatch sources)
    /// and starts children from worker threads that block signals; the children must still start
    /// with nothing blocked and nothing ignored, or Ctrl-C cannot stop them.
    func testRunsStartWithNoSignalBlockedOrIgnored() throws {
        let (folder, executor, runs) = try shellPlan(["a": "grep -E '^Sig(Blk|Ign)' /proc/self/status > runs/a/signals.txt"])
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        defer {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var outcome: Result<SweepExecutor.Outcome, Error>?
        DispatchQueue.global().async {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            for number in [SIGINT, SIGTERM, SIGHUP, SIGCHLD] { sigaddset(&blocked, number) }
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            outcome = Result { try executor.execute(runs["a"]!) }
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(try outcome?.get(), .done)
        let masks = masks(try String(contentsOfFile: folder.file("runs/a/signals.txt"), encoding: .utf8))
        // Signals 1–31; 32 and 33 are glibc's own (thread cancellation, setxid), which no
        // program sends and posix_spawn may not reset.
        let standard: UInt64 = 0x7fff_ffff
        XCTAssertEqual(masks["SigBlk"].map { $0 & standard }, 0, "signals blocked in the child")
        XCTAssertEqual(masks["SigIgn"].map { $0 & standard }, 0, "signals ignored in the child")
    }

    /// Item 10: the reason shown is this attempt's ending and its last error line — not an
    /// earlier attempt's line, not a crash's register dump.
    func testFailureReasonIsTheLastAttemptsEndingAndErrorLine() throws {
        let (folder, executor, runs) = try shellPlan([
            "a": "echo 'Error: the real cause' >&2; echo 'rdi 0x0000 error_code 0x4' >&2; kill -SEGV $$",
            "b": "echo 'Fatal error: the new cause' >&2; echo 'some progress line' >&2; exit 3",
        ])
        try Data("=== attempt 1 on host at then: pulseprop x\nError: an old cause\n".utf8).write(to: URL(fileURLWithPath: folder.file("runs/b/run.log")))
        XCTAssertEqual(try executor.execute(runs["a"]!), .failed(exitCode: 128 + SIGSEGV))
        XCTAssertEqual(try executor.execute(runs["b"]!), .failed(exitCode: 3))
        let a = try folder.status(of: runs["a"]!)
        XCTAssertEqual(a.signal, SIGSEGV)
        XCTAssertEqual(a.failureReason, "killed by signal 11 (SIGSEGV): Error: the real cause")
        let b = try folder.status(of: runs["b"]!)
        XCTAssertNil(b.signal)
        XCTAssertEqual(b.failureReason, "exit 3: Fatal error: the new cause")
        XCTAssertFalse(b.stderrTail!.contains { $0.contains("old cause") }, "only the last attempt's lines are kept")
        let progress = try SweepProgress(of: folder).text
        XCTAssertTrue(progress.contains("failed a: killed by signal 11 (SIGSEGV): Error: the real cause"), progress)
    }

    /// Item 14: a run id that is not a plain name below `runs/` is refused when the plan is read.
    func testHandEditedRunIDsOutsideThePlanFolderAreRefused() throws {
        let (folder, _, _) = try shellPlan(["a": "true"])
        let original = try String(contentsOfFile: folder.planPath, encoding: .utf8)
        for bad in ["../../..", "a/../../b", "/etc", "", "a//b", "./a", "a\\nb"] {
            let edited = original.replacingOccurrences(of: "\"id\" : \"a\"", with: "\"id\" : \"\(bad)\"")
            XCTAssertNotEqual(edited, original)
            try edited.write(toFile: folder.planPath, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try folder.header(), bad) { error in
                let text = "\(error)"
                XCTAssertTrue(text.contains("plain name") || text.contains("control character"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
        XCTAssertNil(SweepRun.problem(withID: "table1/absmin-L20/seed1"))
    }

    /// Item 14: a run folder deleted while the run ran is a failed run whose `run.json` is written
    /// again, not a success.
    func testRunFolderDeletedMidRunIsAFailureAndKeepsItsRunFile() throws {
        let (folder, executor, runs) = try shellPlan(["a": "rm -rf runs/a; exit 0"])
        XCTAssertEqual(try executor.execute(runs["a"]!), .failed(exitCode: 0))
        let status = try folder.status(of: runs["a"]!)
        XCTAssertEqual(status.state, .failed)
        XCTAssertTrue(status.failureReason.contains("deleted"), status.failureReason)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.file("runs/a/run.json")))
    }

    /// Item 14: when `run.log` cannot be opened the run is failed with the reason, not left
    /// "running" for ever.
    func testUnopenableRunLogLeavesTheRunFailedNotRunning() throws {
        let (folder, executor, runs) = try shellPlan(["a": "true"])
        try FileManager.default.createDirectory(atPath: folder.file("runs/a/run.log"), withIntermediateDirectories: false)
        XCTAssertThrowsError(try executor.execute(runs["a"]!))
        let status = try folder.status(of: runs["a"]!)
        XCTAssertEqual(status.state, .failed)
        XCTAssertTrue(status.failureReason.contains("run.log"), status.failureReason)
    }

    /// A run that finishes while its runner is being stopped is done, not pending.
    func testRunThatFinishesDuringAnInterruptIsDone() throws {
        let (folder, executor, runs) = try shellPlan(["a": "trap '' TERM; sleep 1; exit 0"])
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { executor.interrupt() }
        XCTAssertEqual(try executor.execute(runs["a"]!), .done)
        XCTAssertEqual(try folder.status(of: runs["a"]!).state, .done)
    }

    // MARK: - End to end, with the real binary

    /// A table1 plan on the tiny data set whose runs take a few seconds each.
    private func slowTable1Plan(epochs: Int) throws -> String {
        let data = try SweepTests.tinyIDXData()
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        let run = try TestSupport.runCLI(
            ["sweep", "plan", "table1", "--data", data, "--trials", "1", "--epochs", String(epochs), "--levels", "0", "--output", plan])
        XCTAssertEqual(run.status, 0, run.stderr)
        return plan
    }

    /// Waits (at most `seconds`) until `condition` holds.
    private func waitUntil(_ seconds: TimeInterval, _ what: String, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() {
            if Date() > deadline { return XCTFail("gave up waiting: \(what)") }
            usleep(20_000)
        }
    }

    /// Runs marked running whose child has got as far as its first checkpoint (the status is
    /// written before the child starts).
    private func runningRuns(_ plan: String) -> [SweepRun] {
        let folder = SweepFolder(plan)
        return ((try? folder.header().runs) ?? []).filter {
            (try? folder.status(of: $0).state) == .running
                && FileManager.default.fileExists(atPath: folder.folder(of: $0) + "/checkpoint.json")
        }
    }

    /// Item 3: Ctrl-C (SIGINT to the runner's whole process group, as a terminal sends it)
    /// stops `sweep run` and its children promptly; the runs stay resumable, none is marked
    /// failed or running, and running again finishes them all.
    func testCtrlCStopsTheRunnerAndItsRunsAndTheyResume() throws {
        let plan = try slowTable1Plan(epochs: 100)
        let log = try TestSupport.temporaryDirectory().appendingPathComponent("runner.log").path
        XCTAssertTrue(FileManager.default.createFile(atPath: log, contents: nil))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        // setsid: the runner leads a process group of its own, like a shell's foreground job.
        let runner = try SpawnedChild(
            executable: "/usr/bin/setsid", arguments: [TestSupport.executable.path, "sweep", "run", plan, "--jobs", "2"],
            folder: plan, standardOutput: output.fileDescriptor, standardError: output.fileDescriptor)
        waitUntil(120, "two runs in progress") { runningRuns(plan).count == 2 }
        kill(-runner.pid, SIGINT)
        let ended = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var ending: SpawnedChild.Ending?
        DispatchQueue.global().async {
            ending = runner.wait()
            ended.signal()
        }
        if ended.wait(timeout: .now() + 60) == .timedOut {
            kill(-runner.pid, SIGKILL)
            _ = ended.wait(timeout: .now() + 10)
            return XCTFail("Ctrl-C did not stop the runner within 60 s: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        XCTAssertNotEqual(ending?.code, 0, "an interrupted sweep says so")
        let progress = try SweepProgress(of: SweepFolder(plan))
        XCTAssertEqual(progress.failed, 0, progress.text)
        XCTAssertEqual(progress.running + progress.interrupted, 0, progress.text)
        XCTAssertLessThan(progress.done, progress.total, "the interrupt came before the end")

        let again = try TestSupport.runCLI(["sweep", "run", plan, "--jobs", "2"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try SweepProgress(of: SweepFolder(plan)).done, progress.total)
    }

    /// Item 14: after the runner is SIGKILLed its orphaned child still holds the run's lock, so
    /// the next `sweep run` skips that run instead of starting it again and marking it failed.
    func testKilledRunnersOrphanKeepsItsRunLocked() throws {
        let plan = try slowTable1Plan(epochs: 300)
        let runner = try SpawnedChild(
            executable: TestSupport.executable.path, arguments: ["sweep", "run", plan, "--jobs", "1"],
            folder: plan, standardOutput: open("/dev/null", O_WRONLY), standardError: open("/dev/null", O_WRONLY))
        waitUntil(120, "a run in progress") { runningRuns(plan).count == 1 }
        let orphaned = runningRuns(plan)[0]
        kill(runner.pid, SIGKILL)
        _ = runner.wait()
        let folder = SweepFolder(plan)
        XCTAssertTrue(OutputLock.isHeld(folder: folder.folder(of: orphaned), fileName: SweepExecutor.lockFileName),
                      "the orphan holds its run's lock")
        let status = try TestSupport.runCLI(["sweep", "status", plan])
        XCTAssertTrue(status.stdout.contains("1 running"), status.stdout)
        let exec = try TestSupport.runCLI(["sweep", "exec", plan, "--run", orphaned.id])
        XCTAssertEqual(exec.status, 0, exec.stderr)
        XCTAssertTrue(exec.stdout.contains("another process is running it"), exec.stdout)
        XCTAssertNotEqual(try folder.status(of: orphaned).state, .failed)
        // Once the orphan has finished, its run completes from its checkpoint.
        waitUntil(300, "the orphan to finish") {
            !OutputLock.isHeld(folder: folder.folder(of: orphaned), fileName: SweepExecutor.lockFileName)
        }
        XCTAssertTrue(try TestSupport.runCLI(["sweep", "status", plan]).stdout.contains("1 interrupted"))
        let finish = try TestSupport.runCLI(["sweep", "exec", plan, "--run", orphaned.id])
        XCTAssertEqual(finish.status, 0, finish.stderr)
        XCTAssertEqual(try folder.status(of: orphaned).state, .done)
    }

    /// Item 9: a finished run whose result is truncated is left out of the tables with a
    /// warning, and `sweep status` counts it as broken (table, JSON and CSV alike).
    func testCollectWarnsOfAndStatusCountsABrokenResult() throws {
        let plan = try TestSupport.temporaryDirectory().appendingPathComponent("plan").path
        for arguments in [
            ["sweep", "plan", "wire-sweep", "--sweep-sizes", "2,3", "--sweep-resistances", "0", "--levels", "4", "--output", plan],
            ["sweep", "run", plan],
        ] {
            let run = try TestSupport.runCLI(arguments)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        let result = plan + "/runs/3x3-wire0/comparison.json"
        let text = try String(contentsOfFile: result, encoding: .utf8)
        try String(text.prefix(text.count / 2)).write(toFile: result, atomically: true, encoding: .utf8)

        let collect = try TestSupport.runCLI(["sweep", "collect", plan])
        XCTAssertEqual(collect.status, 0, collect.stderr)
        XCTAssertTrue(collect.stderr.contains("3x3-wire0") && collect.stderr.contains("comparison.json is not valid"), collect.stderr)
        XCTAssertEqual(try String(contentsOfFile: plan + "/wire-sweep.csv", encoding: .utf8).split(separator: "\n").count, 2)

        let status = try TestSupport.runCLI(["sweep", "status", plan])
        XCTAssertTrue(status.stdout.contains("1 done") && status.stdout.contains("1 broken"), status.stdout)
        let json = try TestSupport.runCLI(["sweep", "status", plan, "--format", "json"])
        let progress = try SnakeCaseJSON.decode(SweepProgress.self, from: Data(json.stdout.utf8))
        XCTAssertEqual(progress.broken, 1)
        XCTAssertEqual(progress.brokenRuns.map(\.id), ["3x3-wire0"])
        let csv = try TestSupport.runCLI(["sweep", "status", plan, "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "id,state,attempts,exit_code,signal,reason")
        XCTAssertEqual(lines.count, 3, csv.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("2x2-wire0,done,1,0,,") }, csv.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("3x3-wire0,broken,1,0,,") }, csv.stdout)
    }
}
