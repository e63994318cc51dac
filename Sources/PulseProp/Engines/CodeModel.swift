import Foundation

/// Which form of the threshold memristor a SPICE engine simulates (`--spice-model`).
public enum SpiceModelChoice: String, CaseIterable, Codable, Sendable {
    /// The compiled code model when it is built for the loaded ngspice, else the B-source
    /// subcircuit with one line on stderr saying why.
    case auto
    /// The compiled XSPICE code model; an error when it is missing or built for another ngspice.
    case compiled
    /// The B-source subcircuit (portable: the form every export uses by default).
    case behavioral
}

/// PulseProp's XSPICE code model of the threshold memristor (`codemodels/threshold_memristor`),
/// a `.cm` shared object built by `scripts/build-codemodel` against the installed ngspice.
///
/// A `.cm` is called by ngspice through a table of function pointers and shares its structs,
/// so it must come from the same ngspice build as the library that loads it: the build
/// writes `pulseprop.cm.version` beside it (`ngspice-39 <creation date>`, as `version -s`
/// prints them) and ``check(against:)`` compares that record with the loaded library before
/// anything is loaded.
public struct CodeModel: Equatable, Sendable {
    /// The `.cm` file.
    public let path: String
    /// The ngspice build it was made for: `ngspice-<N> <creation date>`.
    public let builtFor: String

    /// Name of the XSPICE model type (`.model … pp_threshold_memristor(…)`).
    public static let modelType = "pp_threshold_memristor"

    /// Where `scripts/build-codemodel` puts the `.cm`: `$PULSEPROP_CODEMODEL`, else
    /// `.build/codemodel/pulseprop.cm` in the checkout this library was compiled from.
    public static var defaultPath: String {
        if let path = ProcessInfo.processInfo.environment["PULSEPROP_CODEMODEL"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/codemodel/pulseprop.cm").path
    }

    /// Reads the code model at `path` and its version record; a missing file or record is a
    /// ``SpiceError/codeModelUnavailable(_:)`` that says how to build it.
    public init(path: String = CodeModel.defaultPath) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SpiceError.codeModelUnavailable("no code model at \(path) (build it with scripts/build-codemodel)")
        }
        guard let record = try? String(contentsOfFile: path + ".version", encoding: .utf8),
              !record.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw SpiceError.codeModelUnavailable("\(path).version is missing (rebuild with scripts/build-codemodel)")
        }
        self.path = path
        self.builtFor = record.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Throws unless this `.cm` was built for the ngspice build `library` (same record form).
    public func check(against library: String) throws {
        guard builtFor == library else {
            throw SpiceError.codeModelUnavailable(
                "\(path) was built for \(builtFor), but the loaded library is \(library); rebuild with scripts/build-codemodel")
        }
    }

    /// Resolves `choice` for a library that reports itself as `library`: the code model to
    /// load, or nil for the B-source subcircuit. `auto` falls back with one stderr line (once
    /// per process); `compiled` rethrows why the code model cannot be used.
    static func resolve(_ choice: SpiceModelChoice, library: String, path: String = CodeModel.defaultPath) throws -> CodeModel? {
        switch choice {
        case .behavioral:
            return nil
        case .compiled:
            let model = try CodeModel(path: path)
            try model.check(against: library)
            return model
        case .auto:
            do {
                let model = try CodeModel(path: path)
                try model.check(against: library)
                return model
            } catch {
                FallbackNotice.once("pulseprop: SPICE uses the B-source memristor (\(error)); --spice-model behavioral silences this")
                return nil
            }
        }
    }
}

/// Prints a notice on stderr the first time only (several engines resolve the same choice).
enum FallbackNotice {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var printed = false

    static func once(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard !printed else { return }
        printed = true
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
