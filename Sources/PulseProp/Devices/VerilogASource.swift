import Foundation

/// What PulseProp reads from a Verilog-A file's text without compiling it: its modules and
/// their terminals, for the refusals of ``VerilogADeviceCheck`` that name the problem before
/// ngspice runs (the compiler checks everything else).
enum VerilogASource {
    /// One `module NAME (ports);` of a file.
    struct Module: Equatable {
        let name: String
        let ports: [String]
    }

    /// The modules of `text`, in order (comments removed; a macro-built header is not seen).
    static func modules(in text: String) -> [Module] {
        let code = withoutComments(text)
        let pattern = #"\bmodule\s+([A-Za-z_][A-Za-z0-9_$]*)\s*(\(([^)]*)\))?\s*;"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(code.startIndex..., in: code)
        return regex.matches(in: code, range: range).compactMap { match in
            guard let name = Range(match.range(at: 1), in: code).map({ String(code[$0]) }) else { return nil }
            let ports = Range(match.range(at: 3), in: code).map { code[$0] }.map {
                $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            } ?? []
            return Module(name: name, ports: ports)
        }
    }

    /// `text` without `//` and `/* */` comments.
    static func withoutComments(_ text: String) -> String {
        text.replacingOccurrences(of: #"/\*[\s\S]*?\*/"#, with: " ", options: .regularExpression)
            .replacingOccurrences(of: #"//[^\n]*"#, with: "", options: .regularExpression)
    }

    /// Whether `name` is a plain Verilog-A identifier (what may go on a netlist line).
    static func isIdentifier(_ name: String) -> Bool {
        name.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) != nil
    }
}
