import ArgumentParser

/// `pulseprop reproduce`: reproductions of published results.
struct Reproduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce published results.",
        subcommands: [ReproduceTable1.self, ReproduceDevices.self, ReproduceDbn.self, ReproduceWires.self])
}
