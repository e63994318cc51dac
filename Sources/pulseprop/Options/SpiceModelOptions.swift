import ArgumentParser
import PulseProp

/// `--spice-model` and `--solver`: the device form SPICE simulates (compiled or B-sources) and
/// the linear solver it uses.
struct SpiceModelOptions: ParsableArguments {
    @Option(help: """
        Memristor form in SPICE: auto (the compiled model when it can be had: Verilog-A compiled \
        to OSDI on ngspice ≥ 42, the XSPICE code model on 39.3; else the B-source subcircuit with \
        one line on stderr), compiled, behavioral.
        """)
    var spiceModel: SpiceModelChoice = .auto

    @Option(help: """
        Linear solver of every SPICE transient and operating point: auto (KLU where this ngspice \
        has it, else Sparse 1.3), klu (an error naming the capability where it is missing), sparse.
        """)
    var solver: SpiceSolver = .auto

    /// A SPICE engine for `circuit` with these options.
    func engine(_ circuit: CrossbarCircuit, measureEnergy: Bool = false) throws -> SpiceEngine {
        try SpiceEngine(circuit: circuit, measureEnergy: measureEnergy, model: spiceModel, solver: solver)
    }

    /// These options as `pulseprop` arguments, for the runs a sweep plans.
    var arguments: [String] { ["--spice-model=\(spiceModel.rawValue)", "--solver=\(solver.rawValue)"] }
}

