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
}
