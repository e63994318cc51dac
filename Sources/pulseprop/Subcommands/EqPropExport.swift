import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop eqprop export`: the SPICE netlist of one equilibrium, in any dialect.
struct EqPropExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the SPICE netlist of one equilibrium of an equilibrium-propagation network (ngspice, LTspice or Xyce).",
        discussion: """
            The network is the untrained one of --seed (the one 'eqprop train' starts from) or the \
            trained one of a run's --checkpoint; the inputs are those of one test example, and with \
            --nudged its outputs are pulled toward the example's targets with strength --beta (from \
            the checkpoint unless given). ngspice prints the node voltages between \
            PULSEPROP-EQPROP-BEGIN and -END; LTspice reports them as .meas results v_<node> and Xyce \
            writes them with .PRINT DC (both take the one point of a DC sweep of the clamp source \
            vcp over its own value as the operating point).
            """)

    @OptionGroup var network: EqPropNetworkOptions

    @Option(help: "A run's checkpoint.json: export its trained network instead of the untrained one of --seed.")
    var checkpoint: String?

    @Option(help: "Which test example's inputs (and targets, for --nudged), counted from 0.")
    var example = 0

    @Flag(help: "Export the nudged phase instead of the free phase.")
    var nudged = false

    @Option(help: "Simulator dialect: \(EqPropNetlist.dialects.map(\.rawValue).joined(separator: ", ")).")
    var dialect: SpiceDialect = .ngspice

    @Option(name: .shortAndLong, help: "File to write ('-': standard output).")
    var output: String

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        var c = try network.configuration()
        try c.validate()
        let task = try network.examples(c)
        let trained: EqPropNetwork
        if let checkpoint {
            let saved = try EqPropCheckpoint.read(checkpoint)
            try require(
                saved.configuration.task == c.task, "checkpoint",
                "\(checkpoint) holds a network of the \(saved.configuration.task) task, not \(c.task)")
            try saved.requireAgreement(
                path: checkpoint, hidden: network.hidden, device: network.device == nil ? nil : c.device,
                clampVoltage: network.clampVoltage, thermalVoltage: network.thermalVoltage, outputAmplitude: network.outputAmplitude)
            try require(
                saved.network.inputs == task.inputs && saved.network.outputs == task.outputs, "checkpoint",
                "\(checkpoint) holds a network of \(saved.network.inputs) inputs and \(saved.network.outputs) outputs; the \(c.task) task has \(task.inputs) and \(task.outputs)")
            trained = saved.network
            c.beta = network.beta ?? saved.configuration.beta
            try EqPropCost(inputs: trained.inputs, hidden: trained.hidden, outputs: trained.outputs).check(
                memory.budget(), netlist: true, spice: false)
        } else {
            try EqPropCost(inputs: task.inputs, hidden: c.hidden, outputs: task.outputs).check(
                memory.budget(), netlist: true, spice: false)
            trained = try EqPropRun.initialNetwork(c, task: task)
        }
        try require(example >= 0 && example < task.test.count, "example", "must be in 0...\(task.test.count - 1), got \(example)")
        let chosen = task.test[example]
        let nudge = nudged ? EqPropNudge(beta: c.beta, targets: chosen.target) : nil
        // A Verilog-A device exists only compiled: its file and .osdi go beside the netlist.
        let compiled = trained.device.verilogA == nil
            ? nil : try CompiledModelExport.prepare(beside: output, dialect: dialect, device: trained.device)
        let netlist = try EqPropNetlist(
            network: trained, input: chosen.input, nudge: nudge, dialect: dialect,
            title: "pulseprop eqprop export --task \(c.task) --example \(example)"
                + (checkpoint.map { " --checkpoint \(($0 as NSString).lastPathComponent)" } ?? " --seed \(c.seed)") + (nudged ? " --nudged" : ""),
            preOsdi: compiled?.preOsdi)
        try AtomicFile.write(netlist.text, to: output)
        if AtomicFile.isStandardOutput(output) {
            if let note = compiled?.note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        } else {
            try StandardOutput.write("wrote \(output) (\(dialect.rawValue), \(nudged ? "nudged" : "free") phase, \(trained.deviceCount) devices)")
            if let note = compiled?.note { try StandardOutput.write(note) }
        }
    }
}
