import Foundation
import PulseProp

/// The time-point levers of `bench spice --levers`: variants of the shipped netlist, each run
/// through the shared library on the same steps, timed, and compared with the shipped
/// netlist's final states (so a lever that only trades accuracy for speed shows it).
struct SpiceLever {
    let name: String
    /// Rewrites the shipped ngspice netlist text.
    let rewrite: (String) -> String

    static func insertingOptions(_ options: String) -> (String) -> String {
        { $0.replacingOccurrences(of: "\n.tran ", with: "\n.options \(options)\n.tran ") }
    }

    /// `.tran <step> <stop> 0 <max> uic` with the maximum step replaced (nil: ngspice's default).
    static func maxStep(_ value: ((Double) -> Double)?) -> (String) -> String {
        { text in
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                guard line.hasPrefix(".tran ") else { return String(line) }
                let f = line.split(separator: " ")
                guard f.count == 6, let step = Double(f[1]), let max = Double(f[4]) else { return String(line) }
                return value.map { ".tran \(f[1]) \(f[2]) 0 \($0(max)) uic" } ?? ".tran \(step) \(f[2]) uic"
            }.joined(separator: "\n")
        }
    }

    static let all: [SpiceLever] = [
        SpiceLever(name: "as shipped (max step = period, trap, reltol 1e-3)", rewrite: { $0 }),
        SpiceLever(name: "no max step", rewrite: maxStep(nil)),
        SpiceLever(name: "max step = period/4", rewrite: maxStep { $0 / 4 }),
        SpiceLever(name: "method=gear", rewrite: insertingOptions("method=gear")),
        SpiceLever(name: "reltol=1e-2", rewrite: insertingOptions("reltol=1e-2")),
        SpiceLever(name: "reltol=1e-4", rewrite: insertingOptions("reltol=1e-4")),
        SpiceLever(name: "trtol=1 (XSPICE's default)", rewrite: { $0.replacingOccurrences(of: "xtrtol=7", with: "xtrtol=1") }),
    ]

    /// Runs `text` in `engine`'s simulator and returns the printed final states by device.
    static func finalStates(of text: String, in engine: SpiceEngine) throws -> [String: Double] {
        let printed = try engine.load(rawNetlist: text).map {
            $0.hasPrefix("stdout ") ? String($0.dropFirst("stdout ".count)) : $0
        }
        return try NgspiceProgram.parseFinalStates(printed.joined(separator: "\n"))
    }

    /// The shipped netlist without its `.control` block: loading it parses and sets up the
    /// circuit but runs nothing — the most that reusing a loaded circuit (alter/reset) can save.
    static func parseOnly(_ text: String) -> String {
        guard let start = text.range(of: "\n.control"), let end = text.range(of: "\n.endc") else { return text }
        return String(text[..<start.lowerBound]) + String(text[end.upperBound...])
    }
}
