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

extension CodeModel {
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
