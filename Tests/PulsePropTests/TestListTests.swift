import Foundation
import XCTest

/// Keeps `Tests/ngspice-tests.txt` (what `scripts/test --fast` skips) true to the tests: every
/// entry names a test class or method that exists. (A test that needs ngspice but is missing
/// from the list fails in `scripts/test --fast`, which switches ngspice off.)
final class TestListTests: XCTestCase {
    func testNgspiceListNamesExistingTests() throws {
        let list = try String(
            contentsOf: TestSupport.packageRoot.appendingPathComponent("Tests/ngspice-tests.txt"), encoding: .utf8)
        let folder = TestSupport.packageRoot.appendingPathComponent("Tests/PulsePropTests")
        let sources = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
        let entries = list.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        XCTAssertFalse(entries.isEmpty)
        for entry in entries {
            let parts = entry.split(separator: "/").map(String.init)
            let source = sources.first { $0.contains("class \(parts[0]): XCTestCase") }
            XCTAssertNotNil(source, "Tests/ngspice-tests.txt: no test class \(parts[0])")
            if parts.count == 2, let source {
                XCTAssertTrue(source.contains("func \(parts[1])()"), "Tests/ngspice-tests.txt: no test \(entry)")
            }
        }
    }
}
