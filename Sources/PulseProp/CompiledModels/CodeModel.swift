import Foundation

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
        return PulsePropCache.checkout.appendingPathComponent(".build/codemodel/pulseprop.cm").path
    }

    /// Reads the code model at `path` and its version record; a missing file or record is a
    /// ``CompiledModelError`` that says how to build it.
    public init(path: String = CodeModel.defaultPath) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CompiledModelError.codeModelMissing(path: path)
        }
        guard let record = try? String(contentsOfFile: path + ".version", encoding: .utf8),
              !record.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw CompiledModelError.codeModelUnrecorded(path: path)
        }
        self.path = path
        self.builtFor = record.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A record of a `.cm` at `path` built for `builtFor`, not read from disk (tests, reports).
    init(path: String, builtFor: String) {
        self.path = path
        self.builtFor = builtFor
    }

    /// Throws unless this `.cm` was built for the ngspice build `library` (same record form).
    public func check(against library: String) throws {
        guard builtFor == library else {
            throw CompiledModelError.codeModelForAnotherBuild(path: path, builtFor: builtFor, library: library)
        }
    }
}
