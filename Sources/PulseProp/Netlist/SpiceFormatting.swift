/// Number and line formatting shared by the netlist renderers.
enum SpiceFormatting {
    /// The shortest text that reads back as exactly `value` (Swift's round-trip form, which
    /// SPICE parses: `0.5`, `1e-06`, `20000.0`).
    static func number(_ value: Double) -> String {
        value.description
    }

    /// SPICE scale suffixes by power of ten (`m` is milli, `meg` mega, in every dialect).
    private static let suffixes: [Int: String] = [
        -15: "f", -12: "p", -9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "meg", 9: "g", 12: "t",
    ]

    /// The exact decimal of a grid time in seconds, written the way netlists are: the shortest
    /// mantissa in `[1, 1000)` with a scale suffix, `80u`, `2.1u`, `100n`, `0`. The text reads
    /// back to the nearest double of the grid value, as ``GridTime/seconds`` is.
    static func time(_ t: GridTime) -> String {
        guard t.femtoseconds != 0 else { return "0" }
        let digits = String(t.femtoseconds.magnitude)
        // The value is digits·10⁻¹⁵; its leading digit stands for 10^(count − 16).
        let leading = digits.count - 16
        let exponent = min(12, Int((Double(leading) / 3).rounded(.down)) * 3)
        let point = digits.count - (15 + exponent)  // digits before the decimal point (≥ 1)
        var fraction = digits.dropFirst(point)
        while fraction.last == "0" { fraction = fraction.dropLast() }
        let mantissa = digits.prefix(point) + (fraction.isEmpty ? "" : "." + fraction)
        return (t.femtoseconds < 0 ? "-" : "") + mantissa + suffixes[exponent]!
    }

    /// `text` fit for a SPICE title or comment line: SPICE reads a netlist line by line, so a
    /// newline in a title (say, a file name holding `\n.control\nshell …`) would start a line of
    /// its own; each control character is written as a visible escape instead (`\n` → `\\n`).
    static func comment(_ text: String) -> String {
        ControlCharacters.escaped(text)
    }

    /// Splits `items` into lines of at most `perLine` items joined by spaces.
    static func lines(_ items: [String], perLine: Int) -> [String] {
        stride(from: 0, to: items.count, by: perLine).map {
            items[$0..<min($0 + perLine, items.count)].joined(separator: " ")
        }
    }

    /// Splits `items` into lines of at most `perLine` items of a comma-separated list (VACASK's
    /// vectors and lists): items joined by `, `, every line but the last ending in a comma.
    static func listLines(_ items: [String], perLine: Int) -> [String] {
        let lines = stride(from: 0, to: items.count, by: perLine).map {
            items[$0..<min($0 + perLine, items.count)].joined(separator: ", ")
        }
        return lines.enumerated().map { $0 < lines.count - 1 ? $1 + "," : $1 }
    }

    /// The B-source factor `((v/V − 1)₊)^α` for a threshold `V` and exponent `α`; `voltage`
    /// is the controlling expression (`v(p,n)` or `-v(p,n)`). `pow` is left out for `α = 1`
    /// because it dominates ngspice's evaluation cost.
    static func overdrive(voltage: String, threshold: Double, exponent: Double) -> String {
        let ramp = "uramp(\(voltage)/\(number(threshold))-1)"
        return exponent == 1 ? ramp : "pow(\(ramp),\(number(exponent)))"
    }
}
