import Foundation
import XCTest

@testable import PulseProp

/// Every JSON file PulseProp reads or writes uses snake_case keys; files written with the
/// earlier camelCase keys are still read.
final class JSONKeyStyleTests: XCTestCase {
    /// A `--device` file in snake_case and the same device in camelCase give the same netlist,
    /// and one that differs from the default device.
    func testDeviceFilesInEitherKeyStyle() throws {
        var device = ThresholdDevice.metalOxide
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

    /// `EngineComparison.slotsPerPhase` is written as `slots_per_phase`; files from before the
    /// rename (`levels`) still decode.
    func testComparisonsFromBeforeTheRenameDecode() throws {
        var fields: [String: Any] = [
            "rows": 2, "cols": 3, "levels": 20, "wire_resistance": 1.5, "driver_resistance": 0, "devices": 6,
            "rms_error_fraction": 0.01, "max_error_fraction": 0.02, "coincident_devices": 4,
            "coincident_rms_error_fraction": 0.01, "coincident_max_error_fraction": 0.02, "disturbed_devices": 0,
            "spice_seconds": 0.1, "analytic_seconds": 0.001,
        ]
        let old = try SnakeCaseJSON.decode(EngineComparison.self, from: JSONSerialization.data(withJSONObject: fields))
        XCTAssertEqual(old.slotsPerPhase, 20)
        let written = try old.json()
        XCTAssertTrue(written.contains("\"slots_per_phase\" : 20"), written)
        XCTAssertFalse(written.contains("\"levels\""), written)
        XCTAssertEqual(try SnakeCaseJSON.decode(EngineComparison.self, from: Data(written.utf8)), old)
        fields["levels"] = nil
        XCTAssertThrowsError(try SnakeCaseJSON.decode(EngineComparison.self, from: JSONSerialization.data(withJSONObject: fields)))
    }

    /// CSV goes through CSV.swift's writer: a field that needs quoting is quoted, and every
    /// line, the last included, ends in a newline.
    func testCSVTableQuotesWhatNeedsIt() throws {
        var table = CSVTable(header: ["name", "value"])
        table.append(["a,b", 1.5])
        table.append(["say \"hi\"", 2])
        XCTAssertEqual(try table.text(), "name,value\n\"a,b\",1.5\n\"say \"\"hi\"\"\",2\n")
    }
}
