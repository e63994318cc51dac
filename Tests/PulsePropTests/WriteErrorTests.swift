import Foundation
import XCTest

@testable import PulseProp

/// A result file that cannot be written is a ``WriteError`` naming the path and the reason.
final class WriteErrorTests: XCTestCase {
    func testUnwritablePathIsAWriteError() throws {
        let file = try TestSupport.temporaryDirectory().appendingPathComponent("plain.txt").path
        try AtomicFile.write("x", to: file)
        let below = file + "/child.csv"
        XCTAssertThrowsError(try AtomicFile.write("y", to: below)) {
            let error = $0 as? WriteError
            XCTAssertEqual(error?.path, below)
            XCTAssertTrue("\($0)".hasPrefix("\(below) cannot be written: "), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "x")
    }

    /// A result printed to a standard output that cannot take it (`> /dev/full`) fails the
    /// command with the reason instead of exiting 0.
    func testResultOnFullStandardOutputFails() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/dev/full"))
        let dir = try TestSupport.temporaryDirectory()
        let plan = dir.appendingPathComponent("plan").path
        XCTAssertEqual(try TestSupport.runCLI(["sweep", "plan", "wire-sweep", "--sweep-sizes", "2", "--sweep-resistances", "0", "--output", plan]).status, 0)
        let commands: [[String]] = [
            ["devices", "--format", "json"],
            ["devices"],
            ["sweep", "status", plan, "--format", "json"],
            ["sweep", "commands", plan],
            ["eqprop", "train", "--task", "xor", "--epochs", "1", "--format", "json"],
            ["train", "--epochs", "1", "--train-limit", "50", "--test-limit", "50", "--format", "json",
             "--output", dir.appendingPathComponent("train").path],
            ["dbn", "train", "--layers", "8,8", "--epochs", "1", "--train-limit", "50", "--test-limit", "50", "--format", "json",
             "--output", dir.appendingPathComponent("dbn").path],
        ]
        for arguments in commands {
            let run = try TestSupport.runCLI(arguments, standardOutput: "/dev/full")
            XCTAssertEqual(run.status, 1, "\(arguments): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("standard output cannot be written: No space left on device"), "\(arguments): \(run.stderr)")
        }
    }
}
