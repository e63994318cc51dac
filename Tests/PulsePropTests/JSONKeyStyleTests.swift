import Foundation
import XCTest

@testable import PulseProp

/// Every JSON file PulseProp reads or writes uses snake_case keys; files written with the
/// earlier camelCase keys are still read.
final class JSONKeyStyleTests: XCTestCase {
    /// A `--device` file in snake_case and the same device in camelCase give the same netlist,
    /// and one that differs from the default device.
    func testDeviceFilesInEitherKeyStyle() throws {
        var device = MemristorParameters.metalOxide
        device.setRate *= 2
        let folder = try TestSupport.temporaryDirectory()
        let snake = folder.appendingPathComponent("snake.json")
        let camel = folder.appendingPathComponent("camel.json")
        try SnakeCaseJSON.encode(device).write(to: snake)
        try JSONEncoder().encode(device).write(to: camel)
        XCTAssertTrue(try String(contentsOf: snake, encoding: .utf8).contains("\"set_rate\""))
        XCTAssertTrue(try String(contentsOf: camel, encoding: .utf8).contains("\"setRate\""))
        func netlist(_ extra: [String]) throws -> String {
            let out = folder.appendingPathComponent("\((extra.last as NSString?)?.lastPathComponent ?? "default").cir").path
            let result = try TestSupport.runCLI(["netlist", "--rows", "2", "--cols", "2", "--seed", "1"] + extra + ["--output", out])
            XCTAssertEqual(result.status, 0, result.stderr)
            return try String(contentsOfFile: out, encoding: .utf8)
        }
        let fromSnake = try netlist(["--device", snake.path])
        XCTAssertEqual(fromSnake, try netlist(["--device", camel.path]))
        XCTAssertNotEqual(fromSnake, try netlist([]))
    }
}
