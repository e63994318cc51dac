import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop simulate`: runs one learning step of a crossbar in ngspice (shared library).
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate one learning step of a crossbar in ngspice and report every device's change.")

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions

    @Option(help: "Also write the exact netlist that was simulated to this file.")
    var netlistOut: String?

    @Option(help: "Output format: table, csv or json.")
    var format: OutputFormat = .table

    func run() throws {
        let inputs = try step.inputs()
        let encoding = try step.encoding()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let engine = try SpiceEngine(circuit: circuitOptions.circuit(), model: spiceModelOptions.spiceModel)
        let netlist = try engine.netlist(for: learningStep, from: inputs.states)
        if let netlistOut { try AtomicFile.write(netlist.text, to: netlistOut) }
        let start = Date()
        let result = try engine.simulate(netlist, from: inputs.states)
        let report = StepReport(
            engine: "spice", inputs: inputs, step: learningStep, encoding: encoding, result: result,
            seconds: Date().timeIntervalSince(start))
        switch format {
        case .json: print(try report.json())
        case .csv: print(try report.csv(), terminator: "")
        case .table: print(report.table(), terminator: "")
        }
    }
}
