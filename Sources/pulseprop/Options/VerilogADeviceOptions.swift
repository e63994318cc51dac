import ArgumentParser
import Foundation
import PulseProp

/// The options of a Verilog-A device (`--device FILE.va`, or a device JSON file of kind
/// `verilog_a`): its state node, parameter values, and whether a disturbing model may proceed.
/// Before the circuit is used, ``checked(_:)`` runs ``VerilogADeviceCheck`` on it.
struct VerilogADeviceOptions: ParsableArguments {
    @Option(help: "Verilog-A device: the internal node that holds its state in [0, 1] (default: x).")
    var stateNode: String?

    @Option(name: .customLong("device-param"), help: ArgumentHelp(
        "Verilog-A device: a model parameter NAME=VALUE (repeatable; replaces the device file's value).",
        valueName: "name=value"))
    var deviceParams: [String] = []

    @Flag(help: "Verilog-A device: proceed although half-amplitude pulses move its state.")
    var allowDisturb = false

    /// Whether any of these options was given.
    var isUsed: Bool { stateNode != nil || !deviceParams.isEmpty || allowDisturb }

    /// `--device-param` values, each `NAME=VALUE` with a finite number.
    func parameters() throws -> [VerilogADevice.Parameter] {
        try deviceParams.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]), value.isFinite else {
                throw ParameterError("device-param", "'\(text)' is not NAME=VALUE with a finite number")
            }
            return VerilogADevice.Parameter(name: parts[0], value: value)
        }
    }

    /// `circuit` with these options applied to its Verilog-A device, checked and measured
    /// (``VerilogADeviceCheck``; one line on stderr says what was measured). Other devices are
    /// returned as they are; these options on them are refused.
    func checked(_ circuit: CrossbarCircuit) throws -> CrossbarCircuit {
        guard var device = circuit.device.verilogA else {
            try requireUnused()
            return circuit
        }
        if let stateNode { device.stateNode = stateNode }
        device = device.overriding(try parameters())
        var result = circuit
        result.device = .verilogA(device)
        try result.validate()
        let (measured, findings) = try VerilogADeviceCheck(circuit: result, allowDisturb: allowDisturb).run()
        result.device = .verilogA(measured)
        let g = measured.conductance!
        FileHandle.standardError.write(Data((String(
            format: "pulseprop: Verilog-A device %@: restarts agree within %.2g and rest drifts %.2g of the range, %.2g per half-amplitude pulse, G(0) = %.4g S, G(1) = %.4g S at %.2g V\n",
            device.module, findings.restartDifference, findings.restDrift, findings.disturbPerPulse, g.off, g.on, g.readVoltage)).utf8))
        return result
    }

    /// Throws when any of these options is given (the device is not a Verilog-A one).
    func requireUnused() throws {
        try require(!isUsed, "device-param", "--state-node, --device-param and --allow-disturb are for a Verilog-A device (--device FILE.va)")
    }

    /// These options as `pulseprop` arguments, for the runs a sweep plans.
    var arguments: [String] {
        (stateNode.map { ["--state-node=\($0)"] } ?? []) + deviceParams.map { "--device-param=\($0)" }
            + (allowDisturb ? ["--allow-disturb"] : [])
    }
}
