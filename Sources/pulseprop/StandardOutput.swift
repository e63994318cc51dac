import PulseProp

/// A command's result on standard output, written the way `--output -` writes a file: through
/// ``AtomicFile``, so a result that cannot be written (`> /dev/full`, a full disk) is a
/// ``WriteError`` with the system's reason and a non-zero exit. `print` drops such errors and
/// the command would exit 0 with nothing written.
enum StandardOutput {
    /// Writes `text` and `terminator` to standard output, or throws a ``WriteError``.
    static func write(_ text: String, terminator: String = "\n") throws {
        try AtomicFile.write(text + terminator, to: AtomicFile.standardOutput)
    }
}
