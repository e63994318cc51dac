import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// The options that define an equilibrium-propagation network and its task, shared by
/// `eqprop train` and `eqprop export`.
struct EqPropNetworkOptions: ParsableArguments {
    @Option(help: "Task: xor, patterns or mnist.")
    var task: String

    @Option(help: "Nudging strength beta (> 0, in units of the device's ON conductance).")
    var beta: Double?

    @Option(help: "Hidden neurons.")
    var hidden: Int?

    @Option(help: "Seed of the initial states, example order and pulse rounding.")
    var seed: UInt64?

    @Option(help: "Device of every weight: a preset name (see 'pulseprop devices'), a Verilog-A file (FILE.va: two terminals, state on an internal node; see --state-node, --device-param; checked before use) or a device JSON file; defaults to metal-oxide.")
    var device: String?

    @OptionGroup var verilogA: VerilogADeviceOptions

    @Option(help: "Neuron clamp level V_b, V (the diodes' series sources; the output layer's bias).")
    var clampVoltage: Double?

    @Option(help: "Neuron diode thermal voltage V_T, V (the sharpness of the clamp).")
    var thermalVoltage: Double?

    @Option(help: "Output amplification: target t is the output pair's voltage difference A_out*t, V.")
    var outputAmplitude: Double?

    /// The mnist task's data (`--data`, `--train-limit`, `--test-limit`; refused for the other tasks).
    @OptionGroup var data: DataOptions

    func validate() throws {
        try requireFinite([
            "beta": beta, "clamp-voltage": clampVoltage, "thermal-voltage": thermalVoltage, "output-amplitude": outputAmplitude,
        ])
    }

    /// The task's preset with these options applied (not yet validated: the caller applies its
    /// own options first). A Verilog-A device is checked and its conductances measured
    /// (``VerilogADeviceOptions/checked(_:)``) with the default programming pulses, which the
    /// updates use.
    func configuration() throws -> EqPropConfiguration {
        var c = try EqPropConfiguration.preset(task: task)
        if let beta { c.beta = beta }
        if let hidden { c.hidden = hidden }
        if let seed { c.seed = seed }
        if let device { c.device = try verilogA.checked(CrossbarCircuit(device: try Device.resolve(device))).device }
        if device == nil { try verilogA.requireUnused() }
        if let clampVoltage { c.neuron.clampVoltage = clampVoltage }
        if let thermalVoltage { c.neuron.thermalVoltage = thermalVoltage }
        if let outputAmplitude { c.neuron.outputAmplitude = outputAmplitude }
        return c
    }

    /// The examples of the task of `configuration` (patterns are drawn from its seed); the
    /// MNIST-only options are refused for the other tasks.
    func examples(_ configuration: EqPropConfiguration) throws -> EqPropTask {
        try EqPropTask.named(task, seed: configuration.seed, data: data.data, trainLimit: data.trainLimit, testLimit: data.testLimit)
    }
}
