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
    /// With device weights, the options the command line gave (its names), when the rest are
    /// to be chosen so that the run learns (``DeviceDefaults``); nil: take the configuration
    /// as it is (the built-in task's preset, tuned for its circuit).
    public var givenOptions: Set<String>?

    public init(
        configuration: BackpropConfiguration, hardware: CrossbarHardware, deviceOptionsGiven: [String] = [], compare: Bool = false,
        deviceEta: Double? = nil, givenOptions: Set<String>? = nil
    ) {
        self.givenOptions = givenOptions
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

    /// The configuration the run uses: with ``givenOptions``, the device defaults for what was
    /// not given (``DeviceDefaults``); with `deviceEta` (given or chosen), its pulse gain matched
    /// to the device's step
    /// (``DeviceWeightUpdater/matchedGain(eta:encoding:mapping:scheme:response:quantaPerPulse:)``).
    public func resolvedConfiguration() throws -> BackpropConfiguration { try resolution().configuration }

    /// ``resolvedConfiguration()`` and one line saying what was chosen for the user (nil when
    /// nothing was), e.g. `device weights: chose --device-eta 0.0001 (pulse gain 0.00075),
    /// --rounding stochastic, --write per-batch (give any of them to choose otherwise)`.
    public func resolution() throws -> (configuration: BackpropConfiguration, note: String?) {
        var (c, eta, chosen) = (configuration, deviceEta, [String]())
        if let givenOptions {
            let defaults = DeviceDefaults.apply(to: c, given: givenOptions)
            (c, chosen) = (defaults.configuration, defaults.chosen)
            eta = eta ?? defaults.eta
        }
        if let eta, let encoding = c.encoding, let mapping = c.mapping {
            c.pulseGain = DeviceWeightUpdater.matchedGain(
                eta: eta, encoding: encoding, mapping: mapping, scheme: c.update, response: try hardware.analyticEngine(),
                quantaPerPulse: c.write == .accumulate ? c.writeThreshold : 1)
            // Beyond a gain of 1 a signal at the top of its range asks more pulses than a step has.
            try require(
                c.pulseGain <= 1, "device-eta",
                "\(eta.shortDecimal) needs a pulse gain of \(String(format: "%.3g", c.pulseGain)): a signal at the top of its range would ask for \(Int((c.pulseGain * Double(c.levels)).rounded(.up))) pulses, above the budget of \(c.levels) per step (--levels); lower --device-eta or raise --levels")
            if let first = chosen.first, first.hasPrefix("--device-eta") {
                chosen[0] = first + " (pulse gain \(String(format: "%.3g", c.pulseGain)))"
            }
        }
        try c.validate()
        let note = chosen.isEmpty
            ? nil : "device weights: chose " + chosen.joined(separator: ", ") + " (give any of them to choose otherwise)"
        return (c, note)
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
