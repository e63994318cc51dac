import XCTest

@testable import PulseProp

/// The Verilog-A compiler's cache and its failures, and `pulseprop doctor`.
final class VerilogACompilerTests: XCTestCase {
    /// A two-terminal resistor with its conductance as a parameter.
    static let resistor = """
        `include "disciplines.vams"
        module pp_test_resistor(p, n);
            inout p, n;
            electrical p, n;
            parameter real g = 1e-3;
            analog I(p, n) <+ g * V(p, n);
        endmodule

        """

    func compiler(cache: URL) throws -> VerilogACompiler {
        var compiler: VerilogACompiler
        do { compiler = try VerilogACompiler.locate() } catch { throw XCTSkip("no Verilog-A compiler: \(error)") }
        compiler.cacheFolder = cache
        return compiler
    }

    /// The same text and compiler give the cached file untouched; a changed file recompiles
    /// under another name.
    func testCacheKeepsAndRecompilesByContent() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let compiler = try compiler(cache: dir.appendingPathComponent("cache"))
        let source = dir.appendingPathComponent("resistor.va").path
        try Self.resistor.write(toFile: source, atomically: true, encoding: .utf8)
        let first = try compiler.compile(file: source)
        XCTAssertTrue(FileManager.default.fileExists(atPath: first.path))
        XCTAssertEqual(first.compiler, compiler.version)
        let made = try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as? Date
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1000)], ofItemAtPath: first.path)
        let again = try compiler.compile(file: source)
        XCTAssertEqual(again, first)
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: first.path)[.modificationDate] as? Date,
            Date(timeIntervalSince1970: 1000), "a current cache entry is not recompiled")
        XCTAssertNotNil(made)
        try Self.resistor.replacingOccurrences(of: "1e-3", with: "2e-3").write(toFile: source, atomically: true, encoding: .utf8)
        let changed = try compiler.compile(file: source)
        XCTAssertNotEqual(changed.path, first.path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: changed.path))
        // Another compiler version is another key.
        XCTAssertNotEqual(
            ContentKey.of([Self.resistor, compiler.version]), ContentKey.of([Self.resistor, compiler.version + "x"]))
    }

    /// A syntax error is the compiler's own message with the file and line, and nothing is cached.
    func testSyntaxErrorGivesTheCompilersMessage() throws {
        let dir = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache")
        let compiler = try compiler(cache: cache)
        let source = dir.appendingPathComponent("broken.va").path
        try Self.resistor.replacingOccurrences(of: "g * V(p, n);", with: "g * V(p, n)").write(toFile: source, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try compiler.compile(file: source)) { error in
            guard case .compileFailed(let file, let message)? = error as? CompiledModelError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, source)
            XCTAssertTrue(message.contains("broken.va:7"), message)
            XCTAssertFalse(message.contains("\u{1B}["), "colour codes are removed: \(message)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []
        XCTAssertFalse(left.contains { $0.hasSuffix(".osdi") }, "\(left)")
    }

    /// `pulseprop doctor --format json` reports what the engine finds.
    func testDoctorJSONFields() throws {
        let run = try TestSupport.runCLI(["doctor", "--format", "json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let ngspice = try XCTUnwrap(object["ngspice"] as? [String: Any])
        let engine = try SpiceEngine(circuit: CrossbarCircuit(), model: .behavioral)
        XCTAssertEqual(ngspice["version"] as? String, engine.capabilities.version)
        XCTAssertEqual(ngspice["klu"] as? Bool, engine.capabilities.hasKLU)
        XCTAssertEqual(ngspice["osdi"] as? Bool, engine.capabilities.hasOSDI)
        XCTAssertNotNil(ngspice["library"] as? String)
        for key in ["osdi_model", "xspice_model"] {
            let model = try XCTUnwrap(object[key] as? [String: Any], key)
            XCTAssertNotNil(model["built"] as? Bool, key)
            XCTAssertNotNil(model["loadable"] as? Bool, key)
        }
        let compiled = try SpiceEngine(circuit: CrossbarCircuit(), model: .auto).compiledModel
        let osdi = try XCTUnwrap(object["osdi_model"] as? [String: Any])
        let xspice = try XCTUnwrap(object["xspice_model"] as? [String: Any])
        XCTAssertEqual(osdi["loadable"] as? Bool, compiled?.kind == "osdi")
        XCTAssertEqual(xspice["loadable"] as? Bool, compiled?.kind == "xspice")
        XCTAssertNotNil(object["verilog_a_compiler"] as? [String: Any])
        let vacask = try XCTUnwrap(object["vacask"] as? [String: Any])
        XCTAssertEqual(vacask["path"] as? String, try? VacaskProgram.locate())
        let blas = try XCTUnwrap(object["blas"] as? [String: Any])
        XCTAssertFalse(try XCTUnwrap(blas["core"] as? String).isEmpty)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(blas["threads"] as? Int), 1)
        XCTAssertEqual(object["kernel_instruction_set"] as? String, Kernels.instructionSet)
        let datasets = try XCTUnwrap(object["datasets"] as? [[String: Any]])
        XCTAssertEqual(datasets.compactMap { $0["name"] as? String }, ["MNIST", "Fashion-MNIST"])
    }
}
