/// Control characters in user-supplied text (paths, file names) that reaches a generated script
/// or netlist. Shell scripts, `#SBATCH` lines, GNU parallel's command lists and SPICE netlists
/// are all line-based: a newline in a name would start a line of the name's choosing.
public enum ControlCharacters {
    /// Whether `scalar` is a control character (C0, DEL, C1 such as NEL) or a Unicode line or
    /// paragraph separator.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// Whether `text` holds a control character.
    public static func occur(in text: String) -> Bool {
        text.unicodeScalars.contains(where: isControl)
    }

    /// `text` on one line: each control character written as a visible escape (`\n`, `\r`,
    /// `\t`, else `\u{1B}`); everything else, non-ASCII letters included, unchanged.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += #"\n"#
            case "\r": out += #"\r"#
            case "\t": out += #"\t"#
            case _ where isControl(scalar): out += #"\u{"# + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Refuses `text` holding a control character with one line naming `parameter` and the
    /// text, escaped.
    public static func refuse(in text: String, _ parameter: String, because reason: String) throws {
        try require(!occur(in: text), parameter, "'\(escaped(text))' contains a control character (\(reason)); rename it")
    }
}
