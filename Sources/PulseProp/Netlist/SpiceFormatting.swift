/// Number and line formatting shared by the netlist renderers.
enum SpiceFormatting {
    /// The shortest text that reads back as exactly `value` (Swift's round-trip form, which
    /// SPICE parses: `0.5`, `1e-06`, `20000.0`).
    static func number(_ value: Double) -> String {
        value.description
    }

    /// Splits `items` into lines of at most `perLine` items joined by spaces.
    static func lines(_ items: [String], perLine: Int) -> [String] {
        stride(from: 0, to: items.count, by: perLine).map {
            items[$0..<min($0 + perLine, items.count)].joined(separator: " ")
        }
    }

    /// The B-source factor `((v/V − 1)₊)^α` for a threshold `V` and exponent `α`; `voltage`
    /// is the controlling expression (`v(p,n)` or `-v(p,n)`). `pow` is left out for `α = 1`
    /// because it dominates ngspice's evaluation cost.
    static func overdrive(voltage: String, threshold: Double, exponent: Double) -> String {
        let ramp = "uramp(\(voltage)/\(number(threshold))-1)"
        return exponent == 1 ? ramp : "pow(\(ramp),\(number(exponent)))"
    }
}
