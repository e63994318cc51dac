/// Failures of the SPICE engine, each naming the problem.
public enum SpiceError: Error, CustomStringConvertible {
    /// libngspice could not be found or opened.
    case libraryUnavailable(String)
    /// ngspice rejected the netlist or failed while simulating; `transcript` is what it printed.
    case simulationFailed(String, transcript: [String])
    /// The simulation finished but a result was missing or unreadable.
    case missingResult(String)
    /// The `ngspice` command-line program failed.
    case programFailed(String)
    /// The loaded ngspice lacks a capability the request needs (e.g. `--solver klu` on 39.3).
    case capabilityMissing(NgspiceCapability, ngspice: String)

    public var description: String {
        switch self {
        case .libraryUnavailable(let why): return "ngspice library unavailable: \(why)"
        case .simulationFailed(let why, _): return "ngspice failed: \(why)"
        case .missingResult(let what): return "ngspice result missing: \(what)"
        case .programFailed(let why): return "ngspice program failed: \(why)"
        case .capabilityMissing(let capability, let version):
            return "\(version) has no \(capability.rawValue); \(capability.remedy)"
        }
    }
}
