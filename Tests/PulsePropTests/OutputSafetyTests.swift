import XCTest

@testable import PulseProp

/// Where results are written: links are followed, devices and pipes are never replaced, write
/// errors fail with one line, and two runs never share an output folder.
final class OutputSafetyTests: XCTestCase {
    let netlist = ["netlist", "--rows", "2", "--cols", "2", "--seed", "1"]

    func fileType(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    /// Exactly one line on stderr, no Foundation error codes, no trap.
    func assertOneLineError(_ run: (status: Int32, stdout: String, stderr: String), mentions words: String..., file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, run.stderr, file: file, line: line)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr, file: file, line: line)
        XCTAssertFalse(run.stderr.contains("NSCocoaErrorDomain"), run.stderr, file: file, line: line)
        for word in words { XCTAssertTrue(run.stderr.contains(word), "\(run.stderr) lacks '\(word)'", file: file, line: line) }
    }

    func testSymlinkOutputWritesItsTargetAndStaysALink() throws {
        let dir = try TestSupport.temporaryDirectory()
        let target = dir.appendingPathComponent("real.cir").path
        let link = dir.appendingPathComponent("l.cir").path
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.cir")
        let run = try TestSupport.runCLI(netlist + ["--output", link])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(fileType(link), .typeSymbolicLink)
        XCTAssertTrue(try String(contentsOfFile: target, encoding: .utf8).contains(".tran"))
        // simulate --netlist-out goes through the same path.
        let sim = try TestSupport.runCLI(["simulate", "--rows", "2", "--cols", "2", "--netlist-out", link, "--format", "json"])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        XCTAssertEqual(fileType(link), .typeSymbolicLink)
    }

    /// `/dev/full` stays a device and the write error is the exit status.
    func testDeviceTargetIsWrittenDirectlyAndItsErrorReported() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/dev/full"))
        let run = try TestSupport.runCLI(netlist + ["--output", "/dev/full"])
        assertOneLineError(run, mentions: "/dev/full", "No space left on device")
        XCTAssertEqual(fileType("/dev/full"), .typeCharacterSpecial)
    }

    func testDashAndDevStdoutWriteToStandardOutput() throws {
        for output in ["-", "/dev/stdout"] {
            let run = try TestSupport.runCLI(netlist + ["--output", output])
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertTrue(run.stdout.hasPrefix("* pulseprop netlist"), output)
            XCTAssertTrue(run.stdout.contains(".end"), output)
            XCTAssertFalse(run.stdout.contains("wrote"), output)
        }
        XCTAssertEqual(fileType("/dev/stdout"), .typeSymbolicLink)
        let dir = try TestSupport.temporaryDirectory()
        let report = dir.appendingPathComponent("report.json").path
        let sim = try TestSupport.runCLI(["simulate", "--rows", "2", "--cols", "2", "--netlist-out", "-", "--format", "json", "--output", report])
        XCTAssertEqual(sim.status, 0, sim.stderr)
        XCTAssertTrue(sim.stdout.contains(".tran"))
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as? [String: Any])
    }

    func testFIFOIsWrittenNotReplaced() throws {
        let dir = try TestSupport.temporaryDirectory()
        let fifo = dir.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let received = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            // Opening a FIFO for reading waits for the writer; read until it closes.
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while fd >= 0, case let n = read(fd, &chunk, chunk.count), n > 0 { bytes += chunk[0..<n] }
            close(fd)
            received.value = String(decoding: bytes, as: UTF8.self)
            done.signal()
        }.start()
        let run = try TestSupport.runCLI(netlist + ["--output", fifo])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        XCTAssertTrue(received.value?.contains(".end") == true)
        var info = stat()
        XCTAssertEqual(lstat(fifo, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
    }

    func testBadOutputPathsGiveOneLine() throws {
        let dir = try TestSupport.temporaryDirectory()
        let file = dir.appendingPathComponent("file").path
        try "x".write(toFile: file, atomically: false, encoding: .utf8)
        assertOneLineError(try TestSupport.runCLI(netlist + ["--output", dir.path]), mentions: "is a folder")
        assertOneLineError(try TestSupport.runCLI(netlist + ["--output", file + "/x.cir"]), mentions: "is not a folder")
        assertOneLineError(try TestSupport.runCLI(netlist + ["--output", "/proc/no-such-dir/x.cir"]), mentions: "x.cir")
        assertOneLineError(try TestSupport.runCLI(["train", "--epochs", "1", "--output", file]), mentions: "is not a folder")
        assertOneLineError(try TestSupport.runCLI(["demo", "--quick", "--output", file + "/demo"]), mentions: "is not a folder")
    }

    /// A second run into a locked folder is refused with the owner's PID; a lock whose owner
    /// died is taken over; an earlier run's checkpoint needs --resume or --overwrite.
    func testOutputFolderLockAndCheckpointGuard() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let train = ["train", "--epochs", "1", "--output", dir]
        do {
            let lock = try OutputLock(folder: dir)
            assertOneLineError(try TestSupport.runCLI(train), mentions: "in use", "process \(getpid())")
            lock.release()
        }
        let lockFile = (dir as NSString).appendingPathComponent(OutputLock.fileName)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lockFile))
        try "2147483646\n".write(toFile: lockFile, atomically: false, encoding: .utf8)  // no such process
        let first = try TestSupport.runCLI(train)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lockFile), "the lock is removed when the run ends")
        assertOneLineError(try TestSupport.runCLI(train), mentions: "checkpoint", "--resume", "--overwrite")
        XCTAssertEqual(try TestSupport.runCLI(train + ["--overwrite"]).status, 0)
        XCTAssertEqual(try TestSupport.runCLI(["train", "--epochs", "2", "--output", dir, "--resume"]).status, 0)
    }

    func testStaleLockIsReported() throws {
        let dir = try TestSupport.temporaryDirectory().path
        try "2147483646\n".write(toFile: (dir as NSString).appendingPathComponent(OutputLock.fileName), atomically: false, encoding: .utf8)
        let lock = try OutputLock(folder: dir)
        XCTAssertEqual(lock.staleOwner, 2147483646)
        XCTAssertThrowsError(try OutputLock(folder: dir)) { XCTAssertTrue("\($0)".contains("process \(getpid())")) }
    }

    /// A held lock and a lock that cannot be tried are different errors: only the first means
    /// another run owns the folder.
    func testLockFailuresAreTyped() throws {
        let dir = try TestSupport.temporaryDirectory().path
        let lockFile = (dir as NSString).appendingPathComponent(OutputLock.fileName)
        do {
            let lock = try OutputLock(folder: dir)
            XCTAssertThrowsError(try OutputLock(folder: dir)) {
                XCTAssertEqual($0 as? OutputLockError, .held(folder: dir, pid: getpid(), lockFile: lockFile))
                XCTAssertEqual("\($0)", "\(dir) is in use by another pulseprop run (process \(getpid()), lock file \(lockFile)); wait for it or choose another output folder")
            }
            lock.release()
        }
        try FileManager.default.createDirectory(atPath: lockFile, withIntermediateDirectories: false)
        XCTAssertThrowsError(try OutputLock(folder: dir)) {
            XCTAssertEqual($0 as? OutputLockError, .cannotOpen(folder: dir, path: lockFile, reason: "Is a directory"))
            XCTAssertEqual("\($0)", "\(dir) cannot be locked: lock file \(lockFile): Is a directory")
        }
    }
}

/// A value set by another thread.
private final class Box: @unchecked Sendable {
    var value: String?
}
