import Foundation
import XCTest

@testable import PulseProp

/// The three learning procedures share one output-folder policy: a folder another live run
/// holds is refused, an earlier run's checkpoint is neither silently replaced nor silently
/// continued, `--resume` without a checkpoint starts afresh (sweeps pass it to every run), and
/// a resume runs on to more epochs.
final class RunFolderPolicyTests: XCTestCase {
    /// Quick runs of `train`, `dbn train` and `eqprop train` (one epoch), without `--output`.
    private let procedures: [(name: String, arguments: [String])] = [
        ("train", ["train", "--train-limit", "50", "--test-limit", "50"]),
        ("dbn train", ["dbn", "train", "--layers", "8,8", "--train-limit", "50", "--test-limit", "50"]),
        ("eqprop train", ["eqprop", "train", "--task", "xor"]),
    ]

    private func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestSupport.runCLI(arguments)
    }

    func testEveryProcedureFollowsTheSameFolderPolicy() throws {
        for procedure in procedures {
            let folder = try TestSupport.temporaryDirectory().appendingPathComponent("run").path
            let epochs = { (n: Int) in procedure.arguments + ["--epochs", String(n), "--output", folder] }

            let fresh = try run(epochs(1) + ["--resume"])
            XCTAssertEqual(fresh.status, 0, "\(procedure.name): --resume without a checkpoint starts afresh: \(fresh.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/checkpoint.json"), procedure.name)

            let again = try run(epochs(1))
            XCTAssertNotEqual(again.status, 0, "\(procedure.name): an earlier checkpoint is not silently replaced")
            XCTAssertTrue(again.stderr.contains("--resume") && again.stderr.contains("--overwrite"), "\(procedure.name): \(again.stderr)")
            XCTAssertEqual(again.stderr.split(separator: "\n").count, 1, again.stderr)

            let both = try run(epochs(1) + ["--resume", "--overwrite"])
            XCTAssertNotEqual(both.status, 0, procedure.name)
            XCTAssertTrue(both.stderr.contains("overwrite"), "\(procedure.name): \(both.stderr)")

            let more = try run(epochs(2) + ["--resume"])
            XCTAssertEqual(more.status, 0, "\(procedure.name): a resume runs on to more epochs: \(more.stderr)")

            do {
                let held = try OutputLock(folder: folder)
                defer { held.release() }
                let busy = try run(epochs(3) + ["--resume"])
                XCTAssertNotEqual(busy.status, 0, "\(procedure.name): a folder another run holds is refused")
                XCTAssertTrue(busy.stderr.contains("\(getpid())"), "\(procedure.name) names the holder: \(busy.stderr)")
            }

            let replaced = try run(epochs(1) + ["--overwrite"])
            XCTAssertEqual(replaced.status, 0, "\(procedure.name): --overwrite starts afresh: \(replaced.stderr)")
        }
    }
}
