import ArgumentParser
import PulseProp

/// `--spice-model`, `--solver` and `--reltol`: the device form SPICE simulates (compiled or
/// B-sources), the linear solver it uses and how tightly it integrates.
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

    @Option(help: """
        ngspice's relative tolerance (reltol) for SPICE transients (default: ngspice's 1e-3, which \
        leaves a device's state up to about 1e-3 of its range from the converged solution; \
        validate's default: 1e-7).
        """)
    var reltol: Double?

    func validate() throws {
        if let reltol, !(reltol > 0 && reltol <= 0.01) { throw ParameterError("reltol", "must be a number in (0, 0.01], got \(reltol)") }
    }

    /// A SPICE engine for `circuit` with these options; without `--reltol`, at
    /// `defaultRelativeTolerance` (nil: ngspice's own default).
    func engine(_ circuit: CrossbarCircuit, measureEnergy: Bool = false, defaultRelativeTolerance: Double? = nil) throws -> SpiceEngine {
        try SpiceEngine(
            circuit: circuit, measureEnergy: measureEnergy, model: spiceModel, solver: solver,
            relativeTolerance: reltol ?? defaultRelativeTolerance)
    }

    /// Sets `hardware`'s SPICE engines to these options.
    func configure(_ hardware: inout CrossbarHardware) {
        hardware.spiceModel = spiceModel
        hardware.spiceSolver = solver
        hardware.spiceRelativeTolerance = reltol
    }

    /// These options as `pulseprop` arguments, for the runs a sweep plans.
    var arguments: [String] {
        ["--spice-model=\(spiceModel.rawValue)", "--solver=\(solver.rawValue)"] + (reltol.map { ["--reltol=\($0)"] } ?? [])
    }
}

