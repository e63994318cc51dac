import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop netlist`: writes the SPICE netlist of one learning step.
struct Netlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the SPICE netlist of one learning step (both phases) of a crossbar.")

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions

    @Option(help: "Simulator dialect: \(SpiceDialect.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dialect: SpiceDialect = .ngspice

    @Option(name: .shortAndLong, help: "File to write.")
    var output: String

    func run() throws {
        let inputs = try step.inputs()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        let netlist = try CrossbarNetlist(
            circuit: circuitOptions.circuit(), step: learningStep, states: inputs.states, dialect: dialect,
            title: "pulseprop netlist --rows \(step.rows) --cols \(step.cols) --levels \(step.levels) --seed \(step.seed)")
        try AtomicFile.write(netlist.text, to: output)
        print("wrote \(output) (\(dialect.rawValue), \(step.rows)x\(step.cols) devices)")
    }
}

extension SpiceDialect: ExpressibleByArgument {}
