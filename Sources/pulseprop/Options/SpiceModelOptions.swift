import ArgumentParser
import PulseProp

/// `--spice-model`: the device form SPICE simulates (compiled code model or B-sources).
struct SpiceModelOptions: ParsableArguments {
    @Option(help: """
        Memristor form in SPICE: auto (the compiled XSPICE code model when built for this \
        ngspice, else the B-source subcircuit with one line on stderr), compiled, behavioral.
        """)
    var spiceModel: SpiceModelChoice = .auto
}

extension SpiceModelChoice: ExpressibleByArgument {}
