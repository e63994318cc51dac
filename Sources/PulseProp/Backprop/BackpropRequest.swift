import Foundation

/// What `train` asks for, checked and turned into a run: the rules that used to live in the
/// command (which options need device weights, `--compare`'s conditions, the pulse gain from
/// `--device-eta`, the memory estimate), where tests call them directly.
public struct BackpropRequest {
    public var configuration: BackpropConfiguration
    /// The crossbars device weights live in (engine, circuit, calibration, reads).
    public var hardware: CrossbarHardware
    /// Device-weight options the user gave, by their command-line names (e.g. `engine`,
    /// `calibration`); each is refused with ideal weights.
    public var deviceOptionsGiven: [String]
    /// Shadow the SPICE engine with the analytic one.
    public var compare: Bool
    /// Sets the pulse gain so one pulse is one device step at this ideal learning rate.
    public var deviceEta: Double?

    public init(
        configuration: BackpropConfiguration, hardware: CrossbarHardware, deviceOptionsGiven: [String] = [], compare: Bool = false,
        deviceEta: Double? = nil
    ) {
        self.configuration = configuration
        self.hardware = hardware
        self.deviceOptionsGiven = deviceOptionsGiven
        self.compare = compare
        self.deviceEta = deviceEta
    }

    /// Refuses option combinations that cannot mean what they say, naming the option.
    public func validate() throws {
        if configuration.weights == .ideal, let option = deviceOptionsGiven.first {
            throw ParameterError(option, "applies to device weights only; add --weights device (ideal weights are floats, no crossbar is simulated)")
        }
        try require(!compare || hardware.engine == .spice, "compare", "shadows the SPICE engine with the analytic one: add --engine spice")
        try require(
            !compare || configuration.c2c == 0, "compare",
            "shadows SPICE with a noiseless analytic model, so with --c2c it would compare different noise: leave out one of them")
        try require((deviceEta ?? 1) > 0 && (deviceEta ?? 1).isFinite, "device-eta", "must be a finite number > 0")
    }

    /// The configuration the run uses: with `deviceEta`, its pulse gain matched to the device's
    /// step (``DeviceWeightUpdater/matchedGain(eta:encoding:mapping:scheme:response:)``).
    public func resolvedConfiguration() throws -> BackpropConfiguration {
        var c = configuration
        if let deviceEta, let encoding = c.encoding, let mapping = c.mapping {
            c.pulseGain = DeviceWeightUpdater.matchedGain(
                eta: deviceEta, encoding: encoding, mapping: mapping, scheme: c.update, response: try hardware.analyticEngine())
        }
        return c
    }

    /// The output folder when none is given: `out/train-<rule>-seed<S>`.
    public var defaultFolder: String { "out/train-\(configuration.ruleName)-seed\(configuration.seed)" }

    /// Refuses a run whose memory estimate exceeds `budget`, before anything is allocated.
    public func checkCost(inputs: Int, outputs: Int, budget: MemoryBudget) throws {
        try BackpropCost(configuration: configuration, inputs: inputs, outputs: outputs).check(
            budget, engine: configuration.weights.isDevice ? hardware.engine : nil, compare: compare)
    }

    /// A started run: float weights, or device weights in their crossbars (``CircuitTraining``).
    public struct Started {
        public let run: BackpropRun
        /// The circuit side of a device-weight run (nil for float weights).
        public let circuit: CircuitTraining?
    }

    /// Starts (or, with `resume` and a checkpoint at `checkpointPath`, continues) the run of
    /// `configuration` (``resolvedConfiguration()``) on `train` and `test`.
    public func start(
        _ configuration: BackpropConfiguration, train: Dataset, test: Dataset, checkpointPath: String, resume: Bool
    ) throws -> Started {
        guard configuration.weights.isDevice else {
            return Started(
                run: try BackpropRun(configuration: configuration, train: train, test: test, checkpointPath: checkpointPath, resume: resume),
                circuit: nil)
        }
        let circuit = try CircuitTraining(
            configuration: configuration, hardware: hardware, train: train, test: test, compare: compare,
            checkpointPath: checkpointPath, resume: resume)
        return Started(run: circuit.run, circuit: circuit)
    }
}
