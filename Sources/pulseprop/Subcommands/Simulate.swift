import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop simulate`: runs one learning step of a crossbar in ngspice (shared library).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate one learning step of a crossbar in ngspice and report every device's change.")

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions
    @OptionGroup var memory: MemoryOptions

    @Option(help: "Also write the exact netlist that was simulated to this file ('-': standard output); with tiles, one netlist per tile beside it (FILE-r0c0.cir, …).")
    var netlistOut: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: "File for the report ('-', the default: standard output).")
    var output = AtomicFile.standardOutput

    func run() throws {
        try require(
            netlistOut != AtomicFile.standardOutput || output != AtomicFile.standardOutput, "netlist-out",
            "the netlist and the report would both go to standard output; give one of them a file")
        try step.cost().checkSpice(memory.budget())
        let inputs = try step.inputs()
        let encoding = try step.encoding()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let engine = try spiceModelOptions.engine(circuitOptions.circuit())
        try engine.circuit.tiling.validate(layerRows: step.rows, layerCols: step.cols)
        let tiles = try engine.tileNetlists(for: learningStep, from: inputs.states, reportsFinalStates: true)
        if let netlistOut {
            try TileFiles.requireFile(netlistOut, option: "netlist-out", tiles: tiles.count)
            for (tile, netlist) in tiles {
                try AtomicFile.write(netlist.text, to: TileFiles.path(of: tile, output: netlistOut, tiles: tiles.count))
            }
        }
        let start = Date()
        let result = try engine.simulate(tiles: tiles)
        let report = StepReport(
            engine: "spice", inputs: inputs, step: learningStep, encoding: encoding, result: result,
            seconds: Date().timeIntervalSince(start))
        switch format {
        case .json: try AtomicFile.write(try report.json() + "\n", to: output)
        case .csv: try AtomicFile.write(try report.csv(), to: output)
        case .table: try AtomicFile.write(report.table(), to: output)
        }
    }
}
