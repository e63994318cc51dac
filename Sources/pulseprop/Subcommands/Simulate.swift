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

    @Option(help: "Also write the exact netlist that was simulated to this file ('-': standard output).")
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
        let netlist = try engine.netlist(for: learningStep, from: inputs.states)
        if let netlistOut { try AtomicFile.write(netlist.text, to: netlistOut) }
        let start = Date()
        let result = try engine.simulate(netlist)
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
