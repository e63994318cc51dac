import ArgumentParser
import PulseProp

/// The wired circuit and minibatch the wired timings share (`analytic`, `wires`).
struct BenchWiringOptions: ParsableArguments {
    @Option(help: "Wire resistance per segment, ohm.")
    var wireResistance = 1.0

    @Option(help: "Driver resistance, ohm.")
    var driverResistance = 10.0

    @Option(help: "Examples in a wired read's minibatch.")
    var batch = 100

    /// A circuit of the default device with these wires.
    var circuit: CrossbarCircuit {
        CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: wireResistance, driverResistance: driverResistance))
    }

    /// What the timings' headings say of the wires.
    var label: String { "\(wireResistance) Ω/segment, \(driverResistance) Ω drivers" }
}
