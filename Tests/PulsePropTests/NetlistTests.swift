import XCTest

@testable import PulseProp

final class NetlistTests: XCTestCase {
    func netlist(_ wiring: CrossbarWiring = .ideal, dialect: SpiceDialect = .ngspice) throws -> CrossbarNetlist {
        let step = try TestSupport.step(rows: [2, 0, 1], cols: [-1, 2])
        return try CrossbarNetlist(
            circuit: CrossbarCircuit(wiring: wiring), step: step,
            states: Matrix(rows: 3, cols: 2) { i, j in 0.1 * Double(i + j) }, dialect: dialect)
    }

    func lines(_ text: String, prefix: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }
    }

    func testIdealCrossbarNamesAndInitialStates() throws {
        let text = try netlist().text
        XCTAssertTrue(text.contains("x2_1 r2 c1 pp_memristor x0=0.30000000000000004"))
        XCTAssertTrue(text.contains(".save v(x0_0.s)"))
        XCTAssertEqual(lines(text, prefix: "vr").count, 3)
        XCTAssertEqual(lines(text, prefix: "vc").count, 2)
        XCTAssertTrue((lines(text, prefix: "rd") + lines(text, prefix: "rw")).isEmpty, "ideal wires need no resistors")
        XCTAssertTrue(text.contains(".tran 2u 8u 0 2u uic"))
    }

    func testWireAndDriverResistors() throws {
        let text = try netlist(CrossbarWiring(segmentResistance: 2.5, driverResistance: 50)).text
        // 3 + 2 drivers, 3·2 row segments and 2·3 column segments.
        XCTAssertEqual(lines(text, prefix: "rd").count, 5)
        XCTAssertEqual(lines(text, prefix: "rw").count, 12)
        XCTAssertTrue(text.contains("rdr0 r0 r0_in 50.0"))
        XCTAssertTrue(text.contains("rwr0_0 r0_in r0_0 2.5"))
        XCTAssertTrue(text.contains("rwc1_2 c1_1 c1_2 2.5"))
        XCTAssertTrue(text.contains("x2_1 r2_1 c1_2 pp_memristor"))
    }

    /// Each exported dialect has the forms ``SpiceDialect`` documents, and no `.control` block.
    func testDialectsDifferWhereDocumented() throws {
        let expected: [SpiceDialect: [String]] = [
            .xyce: ["PARAMS: x0=0.30000000000000004", "I={ ", "v(x1_0:s)", ".PRINT TRAN FORMAT=CSV"],
            .ltspice: [
                ".subckt pp_memristor p n s PARAMS: x0=0.5", "x2_1 r2 c1 s2_1 pp_memristor PARAMS: x0=0.30000000000000004",
                ".meas TRAN state_x1_0 FIND V(s1_0) AT=",
            ],
        ]
        for (dialect, forms) in expected {
            let text = try netlist(dialect: dialect).text
            for form in forms { XCTAssertTrue(text.contains(form), "\(dialect): \(form)") }
            XCTAssertFalse(text.contains(".control"), "\(dialect)")
        }
    }

    func testStateOutOfRangeIsRejected() {
        let step = try! TestSupport.step(rows: [1], cols: [1])
        XCTAssertThrowsError(try CrossbarNetlist(circuit: CrossbarCircuit(), step: step, states: Matrix([[1.5]]))) {
            XCTAssertEqual(($0 as? ParameterError)?.parameter, "state")
        }
    }

    /// The templates and calibrations compiled into the library are the files on disk.
    func testEmbeddedResourcesAreCurrent() throws {
        for (folder, suffix, embedded) in [
            ("templates", ".mustache", EmbeddedTemplates.files), ("calibrations", ".json", EmbeddedCalibrations.files),
        ] {
            let root = TestSupport.packageRoot.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
                .filter { $0.hasSuffix(suffix) }
            XCTAssertEqual(Set(files), Set(embedded.keys), "run scripts/embed-resources")
            for file in files {
                let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                XCTAssertEqual(embedded[file], text, "\(folder)/\(file) changed: run scripts/embed-resources")
            }
        }
    }
}
