import ArgumentParser

/// `pulseprop dbn`: memristive deep belief nets trained by contrastive divergence.
struct Dbn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbn",
        abstract: "Deep belief nets trained by contrastive divergence on device pairs (Wang et al. 2022).",
        subcommands: [DbnTrain.self])
}
