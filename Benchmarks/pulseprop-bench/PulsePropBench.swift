import ArgumentParser

/// `pulseprop-bench`: speed measurements, kept out of the `pulseprop` product (build with
/// `-c release`; `scripts/bench-*` run it).
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulseprop-bench",
        abstract: "Measure simulation and training speed (use a release build).",
        subcommands: [BenchSpice.self, BenchAnalytic.self, BenchWires.self, BenchTrain.self, BenchDbn.self])
}
