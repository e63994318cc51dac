import ArgumentParser

/// The `pulseprop` command.
@main
struct PulsePropCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulseprop",
        abstract: "Circuit-level simulation of on-chip learning in memristor crossbars.",
        subcommands: [Demo.self, Doctor.self, Devices.self, Netlist.self, Simulate.self, Calibrate.self, Validate.self, Train.self, Dbn.self, EqProp.self, Reproduce.self, Sweep.self]
    )
}
