/// What a loaded ngspice build can do, probed once per library file (``NgspiceLibrary``).
public struct NgspiceCapabilities: Codable, Equatable, Sendable {
    /// The version word `version -s` prints, e.g. `ngspice-46`.
    public let version: String
    /// The build as `ngspice-<N> <creation date>` (what an XSPICE `.cm` records it was built for).
    public let build: String
    /// Whether `.options klu` selects SuiteSparse's KLU (it prints "Using KLU" then).
    public let hasKLU: Bool
    /// Whether the `osdi` command exists (compiled Verilog-A models load).
    public let hasOSDI: Bool

    /// The major version number (`46` of `ngspice-46`), 0 when unreadable.
    public var major: Int {
        Int(version.dropFirst("ngspice-".count).prefix { $0.isNumber }) ?? 0
    }
}

/// A capability an ngspice build may lack, with what installs it.
public enum NgspiceCapability: String, Codable, Sendable {
    case klu = "KLU"
    case osdi = "OSDI"

    /// What to run to get an ngspice that has it.
    public var remedy: String {
        "ngspice ≥ 42 has it (Debian 12: scripts/install-deps installs ngspice 46 from bookworm-backports)"
    }
}
