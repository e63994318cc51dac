import Foundation

/// A device given as a Verilog-A compact model of the user's (`--device FILE.va`, or a device
/// JSON file of kind `verilog_a` that names the file): PulseProp compiles it with `openvaf-r`
/// (``VerilogACompiler``, the cache the built-in model uses), simulates it in ngspice through
/// OSDI, and calibrates the analytic engine from it (``SpiceCalibrator``).
///
/// The model contract (docs/devices.md, "Bring your own device"):
///
/// - a module with two terminals, `(p, n)`: `p` is the row electrode, `n` the column one,
///   and a positive `V(p, n)` potentiates;
/// - its state on an internal node (``stateNode``, `x` by default) normalised to `[0, 1]`,
///   integrated by the simulator (`I(x) <+ ddt(V(x)) - rate;`), never in Verilog-A variables
///   (OSDI does not keep them between evaluations; ``VerilogADeviceCheck`` refuses such models);
/// - an instance parameter (``initialStateParameter``, `x0` by default,
///   `(* type="instance" *) parameter real x0 = 0.5 from [0:1];`) at which the module holds
///   the node in the operating point before the transient
///   (`I(x) <+ ddt(V(x)); if ($abstime <= 0) I(x) <+ V(x) - x0; else I(x) <+ -rate;`, the `ddt`
///   outside the condition so that VACASK keeps its charge from the operating point): ngspice cannot set an
///   internal node's initial condition (`.ic` names only circuit nodes), so this is how every
///   device starts at its own state.
///
/// PulseProp cannot know a foreign model's thresholds or conductances. The thresholds stated
/// here (±1 V unless given) only check the pulse amplitudes as for the other kinds; what the
/// model does at half amplitude is measured by ``VerilogADeviceCheck``, which also measures the
/// conductances at the two bounds (``conductance``). The other parts of PulseProp see the
/// device through those, with the conductance taken as linear in the state between them.
public struct VerilogADevice: DeviceModel {
    public static let kind = "verilog_a"

    /// One model parameter (`--device-param NAME=VALUE`): written on the `.model` line.
    public struct Parameter: Codable, Equatable, Sendable {
        public var name: String
        public var value: Double

        public init(name: String, value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// The conductances at the bounds, measured by ``VerilogADeviceCheck`` (siemens).
    public struct ConductanceRange: Codable, Equatable, Sendable {
        /// At state 1.
        public var on: Double
        /// At state 0.
        public var off: Double
        /// The read voltage they were measured at, volts.
        public var readVoltage: Double

        public init(on: Double, off: Double, readVoltage: Double) {
            self.on = on
            self.off = off
            self.readVoltage = readVoltage
        }
    }

    /// The Verilog-A file: an absolute path once read from the command line or a device file
    /// (a device file's relative path is resolved against the file's folder).
    public var source: String
    /// The module instantiated (by default the file's first module).
    public var module: String
    /// The internal node that holds the state.
    public var stateNode: String
    /// The instance parameter that sets the initial state.
    public var initialStateParameter: String
    /// Model-card values, in the order given (later ones of the same name win).
    public var parameters: [Parameter]
    /// SET threshold stated for the pulse check, volts.
    public var setThreshold: Double
    /// RESET threshold magnitude stated for the pulse check, volts.
    public var resetThreshold: Double
    /// The measured conductance range (nil until ``VerilogADeviceCheck`` has run).
    public var conductance: ConductanceRange?

    /// The defaults of the contract.
    public static let defaultStateNode = "x"
    public static let defaultInitialStateParameter = "x0"

    public init(
        source: String, module: String, stateNode: String = defaultStateNode,
        initialStateParameter: String = defaultInitialStateParameter, parameters: [Parameter] = [],
        setThreshold: Double = 1, resetThreshold: Double = 1, conductance: ConductanceRange? = nil
    ) {
        self.source = source
        self.module = module
        self.stateNode = stateNode
        self.initialStateParameter = initialStateParameter
        self.parameters = parameters
        self.setThreshold = setThreshold
        self.resetThreshold = resetThreshold
        self.conductance = conductance
    }

    /// The device of the Verilog-A file at `path` (its first module unless `module` is given).
    public static func file(
        _ path: String, module: String? = nil, stateNode: String = defaultStateNode, parameters: [Parameter] = []
    ) throws -> VerilogADevice {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let text = try InputFile.text(atPath: absolute)
        let modules = VerilogASource.modules(in: text)
        guard let chosen = module ?? modules.first?.name else { throw VerilogADeviceError.noModule(file: path) }
        return VerilogADevice(source: absolute, module: chosen, stateNode: stateNode, parameters: parameters)
    }

    /// The parameters with `overrides` applied (same name: replaced; new: appended).
    public func overriding(_ overrides: [Parameter]) -> VerilogADevice {
        var device = self
        for parameter in overrides {
            if let index = device.parameters.firstIndex(where: { $0.name == parameter.name }) {
                device.parameters[index].value = parameter.value
            } else {
                device.parameters.append(parameter)
            }
        }
        return device
    }

    /// Conductance at state 1 (NaN until measured).
    public var onConductance: Double { conductance?.on ?? .nan }
    /// Conductance at state 0 (NaN until measured).
    public var offConductance: Double { conductance?.off ?? .nan }

    /// A threshold-family stand-in that carries only this device's stated thresholds and
    /// measured conductances: its rates are not this device's. The SPICE engine simulates the
    /// module itself and the analytic engine its calibrated response; what would need the
    /// threshold equations (device-to-device variation, EqProp's drift) refuses this kind.
    public var switching: ThresholdDevice {
        var device = ThresholdDevice.metalOxide
        device.setThreshold = setThreshold
        device.resetThreshold = resetThreshold
        if let conductance {
            device.onConductance = conductance.on
            device.offConductance = conductance.off
        }
        return device
    }

    public func validate() throws {
        try require(!source.isEmpty, "source", "must name a Verilog-A file")
        try require(module.isEmpty || VerilogASource.isIdentifier(module), "module", "must be a Verilog-A identifier, got '\(module)'")
        for (name, what) in [(stateNode, "stateNode"), (initialStateParameter, "initialStateParameter")] {
            try require(VerilogASource.isIdentifier(name), what, "must be a Verilog-A identifier, got '\(name)'")
        }
        for parameter in parameters {
            try require(
                VerilogASource.isIdentifier(parameter.name), "device-param",
                "'\(parameter.name)' is not a Verilog-A parameter name")
            try require(parameter.value.isFinite, "device-param", "\(parameter.name) must be a finite number, got \(parameter.value)")
            try require(
                parameter.name != initialStateParameter, "device-param",
                "\(parameter.name) is the initial state, which PulseProp sets per device")
        }
        try require(setThreshold > 0 && setThreshold.isFinite, "setThreshold", "must be > 0 V, got \(setThreshold)")
        try require(resetThreshold > 0 && resetThreshold.isFinite, "resetThreshold", "must be > 0 V, got \(resetThreshold)")
        if let conductance {
            try require(conductance.off > 0 && conductance.off.isFinite, "offConductance", "must be > 0 S, got \(conductance.off)")
            try require(
                conductance.on > conductance.off && conductance.on.isFinite, "onConductance",
                "must exceed offConductance (\(conductance.off) S), got \(conductance.on)")
        }
    }
}

extension VerilogADevice {
    private enum CodingKeys: String, CodingKey {
        case source, module, stateNode, initialStateParameter, parameters, setThreshold, resetThreshold, conductance
    }

    /// Decodes a device; everything but `source` may be absent (the module then is the file's
    /// first, read when the device is resolved).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            source: try c.decode(String.self, forKey: .source),
            module: try c.decodeIfPresent(String.self, forKey: .module) ?? "",
            stateNode: try c.decodeIfPresent(String.self, forKey: .stateNode) ?? Self.defaultStateNode,
            initialStateParameter: try c.decodeIfPresent(String.self, forKey: .initialStateParameter)
                ?? Self.defaultInitialStateParameter,
            parameters: try c.decodeIfPresent([Parameter].self, forKey: .parameters) ?? [],
            setThreshold: try c.decodeIfPresent(Double.self, forKey: .setThreshold) ?? 1,
            resetThreshold: try c.decodeIfPresent(Double.self, forKey: .resetThreshold) ?? 1,
            conductance: try c.decodeIfPresent(ConductanceRange.self, forKey: .conductance))
    }
}
