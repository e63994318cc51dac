import XCTest

@testable import PulseProp

/// Hostile and absurd input: every case ends in one line naming the problem, never a crash
/// or an allocation that cannot succeed.
final class HostileInputTests: XCTestCase {
    func idx(_ dims: [UInt32], _ bytes: [UInt8] = []) -> Data {
        var data = Data([0, 0, 8, UInt8(dims.count)])
        for d in dims { withUnsafeBytes(of: d.bigEndian) { data.append(contentsOf: $0) } }
        return data + bytes
    }

    /// An MNIST-layout folder with the given image and label files for both sets.
    func mnistFolder(images: Data, labels: Data) throws -> String {
        let dir = try TestSupport.temporaryDirectory()
        for set in ["train", "t10k"] {
            try images.write(to: dir.appendingPathComponent("\(set)-images-idx3-ubyte"))
            try labels.write(to: dir.appendingPathComponent("\(set)-labels-idx1-ubyte"))
        }
        return dir.path
    }

    func assertRefused(
        _ arguments: [String], mentions words: String..., program: URL = TestSupport.executable, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let run = try TestSupport.runCLI(arguments, program: program)
        XCTAssertEqual(run.status, 1, "\(arguments): \(run.stderr)", file: file, line: line)
        XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr, file: file, line: line)
        for word in words { XCTAssertTrue(run.stderr.contains(word), "\(arguments): '\(run.stderr)' lacks '\(word)'", file: file, line: line) }
    }

    /// Dimensions of 0xFFFFFFFF overflowed the element count (SIGILL); now every partial
    /// product is checked before anything is read.
    func testHugeIDXDimensionsAreRefused() throws {
        let huge = try mnistFolder(images: idx([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], [1, 2, 3]), labels: idx([0xFFFF_FFFF]))
        try assertRefused(["train", "--data", huge, "--epochs", "1", "--output", TestSupport.temporaryDirectory().path], mentions: "impossible dimensions")
        try assertRefused(["reproduce", "table1", "--data", huge, "--output", TestSupport.temporaryDirectory().path], mentions: "impossible dimensions")
        // Zero images times huge image sizes: the product is 0, the image size still overflows.
        XCTAssertThrowsError(try IDXFile(bytes: [UInt8](idx([0, 0xFFFF_FFFF, 0xFFFF_FFFF])), name: "z")) {
            XCTAssertTrue("\($0)".contains("impossible dimensions"), "\($0)")
        }
        // A header promising more than the file holds is truncated, found without allocating it.
        XCTAssertThrowsError(try IDXFile(bytes: [UInt8](idx([0x7FFF_FFFF, 2], [1, 2])), name: "t")) {
            XCTAssertTrue("\($0)".contains("truncated"), "\($0)")
        }
    }

    /// An empty set ended in `EncodingError … -nan`, and Table 1 in `nan ± nan`.
    func testEmptySetsAreRefusedAndTablesHoldNoNaN() throws {
        let empty = try mnistFolder(images: idx([0, 28, 28]), labels: idx([0]))
        try assertRefused(["train", "--data", empty, "--epochs", "1", "--output", TestSupport.temporaryDirectory().path], mentions: "holds no images")
        try assertRefused(["reproduce", "table1", "--data", empty, "--output", TestSupport.temporaryDirectory().path], mentions: "holds no images")
        let noPixels = try mnistFolder(images: idx([2, 0, 28]), labels: idx([2], [1, 2]))
        try assertRefused(["train", "--data", noPixels, "--epochs", "1"], mentions: "0x28 pixels")
        let cell = Table1.cells[0]
        let markdown = Table1.markdown(results: [cell: [0.02, 0.03]], epochs: 50)
        let csv = try Table1.csv(results: [cell: [0.02]])
        XCTAssertFalse(markdown.lowercased().contains("nan") || csv.lowercased().contains("nan"))
        XCTAssertTrue(markdown.contains("2.50 ± 0.71 % (n=2)"))
        XCTAssertTrue(markdown.contains("— (n=0) · paper 2.4 ± 0.1 %"))
        XCTAssertTrue(csv.contains("100,transposed,times,0,,,2.3,0.3"))
    }

    /// Sizes that cannot fit are refused before allocation, naming the option, the estimate
    /// and the limit; the limit is an option.
    func testUnboundedSizesAreRefusedBeforeAllocating() throws {
        let cases: [([String], String, URL)] = [
            (["netlist", "--rows", "2", "--cols", "2", "--levels", "1000000000", "--output", "-"], "invalid levels", TestSupport.executable),
            (["netlist", "--rows", "100000", "--cols", "100000", "--output", "-"], "invalid rows", TestSupport.executable),
            (["simulate", "--rows", "100000", "--cols", "100000"], "invalid rows", TestSupport.executable),
            (["validate", "--rows", "2", "--cols", "2", "--levels", "1000000000"], "invalid levels", TestSupport.executable),
            (["train", "--hidden", "100000000", "--weights", "ideal", "--levels", "0", "--method", "times"], "invalid hidden", TestSupport.executable),
            (["train", "--levels", "1000000000"], "invalid levels", TestSupport.executable),
            (["train", "--batch", "100000000000"], "invalid batch", TestSupport.executable),
            (["analytic", "--rows", "100000", "--cols", "100000"], "invalid rows", TestSupport.benchExecutable),
            (["spice", "--sizes", "100000"], "invalid rows", TestSupport.benchExecutable),
            (["wires", "--rows", "100000", "--cols", "100000"], "invalid rows", TestSupport.benchExecutable),
            (["calibrate", "--grid", "100000000", "--output", "-"], "invalid grid", TestSupport.executable),
        ]
        for (arguments, option, program) in cases {
            let start = Date()
            try assertRefused(arguments, mentions: option, "needs ≈", "TB", "--max-memory", program: program)
            XCTAssertLessThan(Date().timeIntervalSince(start), 30, "\(arguments) must be refused before any work")
        }
        try assertRefused(["netlist", "--rows", "64", "--cols", "64", "--max-memory", "20M", "--output", "-"], mentions: "invalid rows", "limit of 21 MB")
        try assertRefused(["netlist", "--max-memory", "lots", "--output", "-"], mentions: "max-memory", "lots")
        XCTAssertEqual(try TestSupport.runCLI(["netlist", "--rows", "64", "--cols", "64", "--max-memory", "2G", "--output", "/dev/null"]).status, 0)
        XCTAssertEqual(MemoryBudget.parse("1.5G")?.limit, 1.5 * 0x1p30)
        XCTAssertEqual(MemoryBudget.parse("512mb")?.limit, 512 * 0x1p20)
        XCTAssertNil(MemoryBudget.parse("-1G"))
    }

    /// Missing inputs say "no such file", folders say so, and no raw Foundation error shows.
    func testMissingInputsSayNoSuchFile() throws {
        let missing = "/nonexistent/in.csv"
        for arguments in [
            ["simulate", "--rows", "2", "--cols", "2", "--x", missing],
            ["simulate", "--device", missing],
            ["validate", "--calibration", missing],
            ["calibrate", "--from-measurements", missing, "--output", "-"],
        ] {
            try assertRefused(arguments, mentions: "no such file")
        }
        try assertRefused(["simulate", "--rows", "2", "--cols", "2", "--state", NSTemporaryDirectory()], mentions: "is a folder")
    }

    /// A curve that falls under potentiation was accepted with a 100 % fit error.
    func testMeasuredCurveGoingTheWrongWayIsRefused() throws {
        let csv = try TestSupport.measuredCurves(in: TestSupport.temporaryDirectory(), wrongWay: true)
        try assertRefused(["calibrate", "--from-measurements", csv, "--output", "-"], mentions: "potentiation curve going the wrong way")
    }

    /// `validate`'s SPICE tolerance and device table: impossible tolerances, and a device table
    /// asked of a sweep (which has no single step), are refused before any SPICE runs.
    func testValidateToleranceAndDeviceTableAreChecked() throws {
        for bad in ["0", "nan", "-1e-6", "0.5"] {
            try assertRefused(["validate", "--reltol=\(bad)"], mentions: "invalid reltol", "(0, 0.01]")
        }
        try assertRefused(
            ["validate", "--device-changes", "d.csv", "--sweep-sizes", "3", "--sweep-resistances", "0", "--output", TestSupport.temporaryDirectory().path],
            mentions: "invalid device-changes", "--sweep-sizes")
    }

    /// ngspice is loaded from a private copy in a folder of its own under `TMPDIR` (mode 0700, a
    /// fresh name, so a folder another user made first is never used); the folder goes with the
    /// copy, and a `TMPDIR` where none can be made is one line that says so.
    func testNgspiceCopiesGoToPrivateFoldersThatAreRemoved() throws {
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let temporary = try TestSupport.temporaryDirectory()
        let run = try TestSupport.runCLI(["TMPDIR=\(temporary.path)", TestSupport.executable.path, "validate", "--rows", "2", "--cols", "2"], program: env)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary.path), [])
        try assertRefused(["TMPDIR=/dev/null/x", TestSupport.executable.path, "validate"], mentions: "private folder in /dev/null/x", "TMPDIR", program: env)
    }

    /// Options that only mean something for device weights are refused with ideal weights.
    func testDeviceOptionsWithIdealWeightsAreRefused() throws {
        let ideal = ["train", "--weights", "ideal", "--levels", "0", "--method", "times", "--epochs", "1"]
        try assertRefused(ideal + ["--engine", "spice"], mentions: "invalid engine", "--weights device")
        try assertRefused(ideal + ["--calibration", "x.json"], mentions: "invalid calibration", "--weights device")
        try assertRefused(ideal + ["--compare"], mentions: "invalid compare")
        try assertRefused(["train", "--compare", "--epochs", "1"], mentions: "--engine spice")
        try assertRefused(["train", "--data", ".", "--blas-threads", "0"], mentions: "blas-threads", program: TestSupport.benchExecutable)
        try assertRefused(
            ["train", "--data", ".", "--reference", "r.csv", "--reference-program", "scripts/bench-train-torch"],
            mentions: "reference-program", program: TestSupport.benchExecutable)
    }

    /// `train --format csv` prints the per-epoch log.
    func testTrainFormatCSVPrintsTheLog() throws {
        let run = try TestSupport.runCLI(["train", "--epochs", "2", "--format", "csv", "--output", TestSupport.temporaryDirectory().path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("epoch,train_error,test_error"))
        XCTAssertTrue(lines[2].hasPrefix("2,"))
    }

    /// Devices whose state moved by numerical noise only are not counted as changed.
    func testChangedDevicesIgnoreNumericalNoise() throws {
        let dir = try TestSupport.temporaryDirectory()
        try "5,0\n".write(to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        try "-1\n2\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let run = try TestSupport.runCLI([
            "simulate", "--rows", "2", "--cols", "2", "--levels", "5",
            "--x", dir.appendingPathComponent("x.csv").path, "--delta", dir.appendingPathComponent("d.csv").path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        // Coincidences [[1, -2], [0, 0]]: two written devices; the half-selected ones move by ≈ 1e-13 µS.
        XCTAssertTrue(run.stdout.contains("2 of 4 devices changed by more than 1e-09 of the conductance range"), run.stdout)
    }

    /// The demo accepts its own device and pulse options with a calibration for them.
    func testDemoTakesDeviceOptionsWithACalibration() throws {
        let dir = try TestSupport.temporaryDirectory()
        let csv = try TestSupport.measuredCurves(in: dir)
        let calibration = dir.appendingPathComponent("m.json").path
        XCTAssertEqual(try TestSupport.runCLI(["calibrate", "--from-measurements", csv, "--output", calibration]).status, 0)
        let run = try TestSupport.runCLI([
            "demo", "--quick", "--set-amplitude", "1.9", "--calibration", calibration,
            "--output", dir.appendingPathComponent("demo").path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("demo/report.html").path))
    }

    /// The time left after epoch k is this run's mean wall-clock epoch times the epochs left;
    /// the trainer reports progress within an epoch after every minibatch.
    func testETAAndProgressWithinTheEpoch() throws {
        let (train, test) = BuiltinTask.split(seed: 2, train: 40, test: 8)
        var c = BackpropConfiguration.builtinTask
        c.weights = .ideal
        c.epochs = 4
        c.batch = 8
        let run = try BackpropRun(configuration: c, train: train, test: test, checkpointPath: nil, resume: false)
        var counts: [Int] = []
        run.batchProgress = { done, total in
            XCTAssertEqual(total, 40)
            counts.append(done)
        }
        let start = Date()
        var etas: [(epoch: Int, eta: Double, elapsed: Double)] = []
        try run.run { record, eta in etas.append((record.epoch, eta, Date().timeIntervalSince(start))) }
        XCTAssertEqual(counts, Array([0, 8, 16, 24, 32, 40].repeated(4)))
        XCTAssertEqual(etas.last?.eta, 0)
        for (epoch, eta, elapsed) in etas {
            XCTAssertEqual(eta, elapsed / Double(epoch) * Double(4 - epoch), accuracy: 0.05 + 0.2 * eta)
        }
    }

    /// Long epochs report examples done from a timer, also while one example is running.
    func testProgressLinesWithinAnEpoch() throws {
        let run = try TestSupport.runCLI([
            "train", "--epochs", "1", "--progress-interval", "0.002", "--output", TestSupport.temporaryDirectory().path,
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        let lines = run.stderr.split(separator: "\n").filter { $0.hasPrefix("epoch 1/1: ") }
        XCTAssertFalse(lines.isEmpty, run.stderr)
        XCTAssertTrue(lines.allSatisfy { $0.contains("/80 examples") && $0.contains("ETA of the epoch") }, run.stderr)
    }

    /// Every fuzz target survives its corpus and seeded mutations of it (scripts/fuzz runs
    /// many more, and libFuzzer where the toolchain has it).
    func testFuzzTargetsSurviveSeededMutations() throws {
        let fuzz = TestSupport.executable.deletingLastPathComponent().appendingPathComponent("pulseprop-fuzz")
        for target in ["idx", "csv", "device", "calibration", "measured", "eqprop-checkpoint", "dbn-checkpoint", "plan"] {
            let run = try ChildProcess.run(fuzz, [target, "--runs", "1500", "--seed", "11", TestSupport.packageRoot.appendingPathComponent("Tests/FuzzCorpus/\(target)").path])
            XCTAssertFalse(run.signalled, "\(target) crashed; the input is in $TMPDIR/pulseprop-fuzz-\(target).last")
            XCTAssertEqual(run.status, 0, target)
            let text = run.stdout
            XCTAssertTrue(text.contains("no crash"), text)
        }
    }
}

extension Array {
    /// The elements `count` times over.
    fileprivate func repeated(_ count: Int) -> [Element] { (0..<count).flatMap { _ in self } }
}
