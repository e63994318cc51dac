/// Words for a POSIX shell, as printed in hints and written into scripts and command lists.

/// `text` in single quotes for a POSIX shell.
public func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
}

/// `word` as one shell word: as it is when plain (letters, digits, `-_./+:=`), else in single
/// quotes, so a hint that names a path can be pasted back into a shell.
public func shellWord(_ word: String) -> String {
    let plain = !word.isEmpty && word.allSatisfy { $0.isLetter || $0.isNumber || "-_./+:=".contains($0) }
    return plain ? word : shellQuoted(word)
}

/// `words` as one shell command line for a list read one command per line (GNU parallel, `sh -c`
/// per line), each word in single quotes. A word with a control character is refused with one
/// line naming it: inside quotes a newline is harmless to a shell, but it would split the list.
public func shellCommandLine(_ words: [String], parameter: String) throws -> String {
    for word in words {
        try ControlCharacters.refuse(in: word, parameter, because: "it would split the list of commands, one a line")
    }
    return words.map(shellQuoted).joined(separator: " ")
}
