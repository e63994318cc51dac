import Foundation

/// What ngspice printed while loading and running one netlist, read for failure and its cause.
///
/// ngspice prints the cause of a failed analysis first (`Warning: singular matrix:  check
/// node v1#branch`, `Timestep too small`) and its consequences afterwards (`Error: Transient op
/// failed`, `RHS … invalid`, `run simulation(s) aborted`); a timestep failure may print no line
/// with the word "error" at all. Lines are as the library sends them, prefixed `stdout ` or
/// `stderr `.
struct NgspiceTranscript {
    /// The printed lines, in order.
    let lines: [String]
    /// The netlist that was run.
    let netlist: String

    /// Phrases of stderr lines that mean the run failed.
    private static let failures = ["error", "timestep too small", "simulation(s) aborted"]
    /// Phrases of stderr lines that name a cause (a singular matrix alone can be recovered from
    /// by gmin stepping, so it is a cause only once the run has failed).
    private static let causes = ["singular matrix", "timestep too small", "error"]

    private var errorLines: [String] {
        lines.filter { $0.hasPrefix("stderr ") }.map { String($0.dropFirst("stderr ".count)) }
    }

    /// Whether ngspice reported a failure on its stderr channel.
    var failed: Bool {
        errorLines.contains { line in Self.failures.contains { line.lowercased().contains($0) } }
    }

    /// The first stderr line naming a cause, without its `Warning:`/`Error:` prefix and with
    /// runs of spaces collapsed, e.g. `singular matrix: check node v1#branch`.
    var firstCause: String? {
        guard let line = errorLines.first(where: { line in Self.causes.contains { line.lowercased().contains($0) } }) else {
            return nil
        }
        var text = line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        for prefix in ["Warning: ", "Error: "] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return text
    }

    /// The netlist's analysis, e.g. `transient analysis (.tran)`; nil when it names none.
    var analysis: String? {
        let names = [".tran": "transient analysis", ".op": "operating point", ".dc": "DC sweep", ".ac": "AC analysis"]
        for line in netlist.split(separator: "\n") {
            let card = line.trimmingCharacters(in: .whitespaces).lowercased().split(separator: " ").first.map(String.init) ?? ""
            if let name = names[card] { return "\(name) (\(card))" }
        }
        return nil
    }

    /// The reason to report for a failed run: the analysis and the first cause.
    func reason(status: Int32) -> String {
        let cause = firstCause ?? "ngSpice_Circ returned \(status)"
        return analysis.map { "\($0): \(cause)" } ?? cause
    }
}
