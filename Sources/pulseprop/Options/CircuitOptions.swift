import ArgumentParser
import Foundation
import PulseProp

/// Options that describe the crossbar's devices, pulses and wires.
struct CircuitOptions: ParsableArguments {
    @Option(help: "Device: a preset name (see 'pulseprop devices'), a Verilog-A file (FILE.va: two terminals, state on an internal node; see --state-node, --device-param) or a device JSON file (the 'device' object of a calibration file: snake_case keys with a 'kind' tag); defaults to metal-oxide.")
    var device: String?

    @OptionGroup var verilogA: VerilogADeviceOptions

    @Option(help: "Device-to-device variation: sigma of the log-normal factors on each device's rates, G_on and G_off (0: none).")
    var d2d: Double = 0

    @Option(help: "Fraction of devices stuck at ON.")
    var stuckOn: Double = 0

    @Option(help: "Fraction of devices stuck at OFF.")
    var stuckOff: Double = 0

    @Option(help: "Seed of the device-to-device variation and stuck devices.")
    var deviceSeed: UInt64 = DeviceVariation.none.seed

    @Option(help: "SET (potentiation) threshold, volts.")
    var setThreshold: Double?

    @Option(help: "RESET (depression) threshold magnitude, volts.")
    var resetThreshold: Double?

    @Option(help: "Full potentiation amplitude u+ across a selected device, volts (electrodes get half).")
    var setAmplitude: Double = PulseShape().setAmplitude

    @Option(help: "Full depression amplitude |u-| across a selected device, volts (electrodes get half).")
    var resetAmplitude: Double = PulseShape().resetAmplitude

    @Option(help: "Pulse plateau width, seconds.")
    var pulseWidth: Double = PulseShape().plateau

    @Option(help: "Pulse edge (rise and fall) time, seconds.")
    var riseTime: Double = PulseShape().edge

    @Option(help: "Pulse period, seconds.")
    var period: Double = PulseShape().period

    @Option(help: "Resistance of each row/column wire segment between cross-points, ohms.")
    var wireResistance: Double = 0

    @Option(help: "Series resistance of each row/column driver, ohms.")
    var driverResistance: Double = 0

    @Option(help: "Map each layer onto crossbars of at most N rows (tiles, each with its own drivers, wires and sense amplifiers; partial sums added digitally); default: the whole layer.")
    var tileRows: Int?

    @Option(help: "Map each layer onto crossbars of at most N columns (see --tile-rows); default: the whole layer.")
    var tileCols: Int?

    /// These options as `pulseprop` arguments (`--name=value`, so negative values parse; paths
    /// absolute; tiles included), without the wire resistance:
    /// what every run of a wire sweep gets. Keep in step with the options above.
    var argumentsExceptWires: [String] {
        var arguments: [String] = []
        if let device {
            let isPreset = DevicePreset.named(device) != nil
            arguments.append("--device=" + (isPreset ? device : URL(fileURLWithPath: device).standardizedFileURL.path))
        }
        arguments += verilogA.arguments
        if let setThreshold { arguments.append("--set-threshold=\(setThreshold)") }
        if let resetThreshold { arguments.append("--reset-threshold=\(resetThreshold)") }
        if let tileRows { arguments.append("--tile-rows=\(tileRows)") }
        if let tileCols { arguments.append("--tile-cols=\(tileCols)") }
        return arguments + [
            "--d2d=\(d2d)", "--stuck-on=\(stuckOn)", "--stuck-off=\(stuckOff)", "--device-seed=\(deviceSeed)",
            "--set-amplitude=\(setAmplitude)", "--reset-amplitude=\(resetAmplitude)", "--pulse-width=\(pulseWidth)",
            "--rise-time=\(riseTime)", "--period=\(period)", "--driver-resistance=\(driverResistance)",
        ]
    }

    func validate() throws {
        try requireFinite([
            "set-threshold": setThreshold, "reset-threshold": resetThreshold, "set-amplitude": setAmplitude,
            "reset-amplitude": resetAmplitude, "pulse-width": pulseWidth, "rise-time": riseTime, "period": period,
            "wire-resistance": wireResistance, "driver-resistance": driverResistance, "d2d": d2d,
            "stuck-on": stuckOn, "stuck-off": stuckOff,
        ])
        try tiling.validate()
    }

    /// The tiles asked for (``CrossbarTiling``).
    var tiling: CrossbarTiling { CrossbarTiling(rows: tileRows, cols: tileCols) }

    /// The circuit these options describe, validated; a Verilog-A device is checked and its
    /// conductance range measured (``VerilogADeviceOptions/checked(_:)``).
    func circuit() throws -> CrossbarCircuit {
        try verilogA.checked(try describedCircuit())
    }

    /// The circuit as described, before a Verilog-A device is checked.
    private func describedCircuit() throws -> CrossbarCircuit {
        let circuit = CrossbarCircuit(
            device: try (device.map(Device.resolve) ?? .metalOxide).withThresholds(set: setThreshold, reset: resetThreshold),
            shape: PulseShape(
                setAmplitude: setAmplitude, resetAmplitude: resetAmplitude,
                plateau: pulseWidth, edge: riseTime, period: period),
            wiring: CrossbarWiring(segmentResistance: wireResistance, driverResistance: driverResistance),
            variation: DeviceVariation(d2d: d2d, stuckOn: stuckOn, stuckOff: stuckOff, seed: deviceSeed), tiling: tiling)
        try circuit.validate()
        return circuit
    }
}
