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
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/codemodel/pulseprop.cm").path
    }

    /// Reads the code model at `path` and its version record; a missing file or record is a
    /// ``CodeModelUnavailable`` that says how to build it.
    public init(path: String = CodeModel.defaultPath) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw CodeModelUnavailable("no code model at \(path) (build it with scripts/build-codemodel)")
        }
        guard let record = try? String(contentsOfFile: path + ".version", encoding: .utf8),
              !record.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw CodeModelUnavailable("\(path).version is missing (rebuild with scripts/build-codemodel)")
        }
        self.path = path
        self.builtFor = record.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Throws unless this `.cm` was built for the ngspice build `library` (same record form).
    public func check(against library: String) throws {
        guard builtFor == library else {
            throw CodeModelUnavailable(
                "\(path) was built for \(builtFor), but the loaded library is \(library); rebuild with scripts/build-codemodel")
        }
    }
}

/// The compiled device model is missing, unreadable or built for another ngspice.
public struct CodeModelUnavailable: Error, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "code model unavailable: \(reason)" }
}
