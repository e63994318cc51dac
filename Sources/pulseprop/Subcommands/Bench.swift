import ArgumentParser

/// `pulseprop bench`: speed measurements (build with `-c release`).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure simulation speed (use a release build).",
        subcommands: [BenchSpice.self, BenchAnalytic.self, BenchTrain.self, BenchDbn.self])
}
