import ArgumentParser
import PulseProp

/// Options that choose the network, the rule and the schedule; unset ones take the preset's
/// value (the paper's MNIST setting with `--data`, the built-in task's without).
struct TrainingOptions: ParsableArguments {
    @Option(help: "Update rule: times or absmin.")
    var method: UpdateMethod?
    @Option(help: "Error feedback: transposed or const (fixed random).")
    var feedback: FeedbackKind?
    @Option(help: "Pulse levels for x and delta (0 = continuous).")
    var levels: Int?
    @Option(help: "Hidden units.")
    var hidden: Int?
    @Option(help: "Hidden activation: relu or sigmoid.")
    var activation: Activation?
    @Option(help: "Epochs.")
    var epochs: Int?
    @Option(help: "Minibatch size.")
    var batch: Int?
    @Option(help: "Seed of weights, feedback matrix and data order.")
    var seed: UInt64?
    @Option(help: "Initial learning rate: eta per example for ideal weights (summed over the minibatch); the gain on x and delta before pulse encoding for device weights.")
    var lr: Double?
    @Option(help: "Weights: ideal (floats), reference (one device per weight against a mid-range reference column; 'device' is its old name) or pair (two devices per weight, w ∝ G⁺ − G⁻), the devices updated by pulses.")
    var weights: WeightMode?
    @Option(help: "Device weights: bidirectional (both polarities) or unidirectional (pairs: potentiation pulses only, on G⁺ or G⁻).")
    var update: UpdateScheme?
    @Option(help: "Device weights: per-example (every example's coincidence pulses), per-batch (each minibatch's summed update as one net pulse count per device, rounded by --rounding, written row by row) or accumulate (each device accumulates its summed updates and fires one pulse per --threshold quanta, keeping the remainder). Default with --data: per-batch for minibatches > 1, else per-example.")
    var write: DeviceWrite?
    @Option(help: "With --write accumulate: pulse quanta per fired pulse (default 1; the matched gain of --device-eta grows with it).")
    var threshold: Double?
    @Option(help: "Pairs: reset and reprogram every layer's pairs every N examples (0: never).")
    var refreshEvery: Int?
    @Option(help: "Pairs: refresh a layer when both devices of one of its pairs reach this state (0: never).")
    var refreshSaturation: Double?
    @Option(help: "Device weights: cycle-to-cycle noise, the standard deviation of each pulse's change relative to the change (seeded; 0: none).")
    var c2c: Double?
    @Option(help: "Gain on the hidden layer's error before its update (1 in the paper).")
    var hiddenDeltaGain: Double?
    @Option(help: "Device weights: largest weight magnitude a device holds.")
    var weightRange: Double?
    @Option(help: "Upper end of the x range for discretisation.")
    var xMax: Double?
    @Option(help: "Lower end of the delta range.")
    var deltaMin: Double?
    @Option(help: "Upper end of the delta range.")
    var deltaMax: Double?
    @Option(help: "Pulse quanta: shared (x-max/N for x and delta) or separate (x-max/N for x, (delta-max − delta-min)/N for delta).")
    var quantisation: PulseQuantisation?
    @Option(help: "Rounding of pulse counts: nearest (ties to even), floor (toward zero) or stochastic (absmin: up with probability equal to the fractional part, one dither per example and layer; with --write per-batch one per device and minibatch).")
    var rounding: PulseRounding?

    func validate() throws {
        try requireFinite([
            "lr": lr, "hidden-delta-gain": hiddenDeltaGain, "weight-range": weightRange, "x-max": xMax,
            "delta-min": deltaMin, "delta-max": deltaMax, "refresh-saturation": refreshSaturation, "c2c": c2c,
            "threshold": threshold,
        ])
        try require(
            threshold == nil || write == .accumulate, "threshold",
            "sets the quanta per pulse of accumulate-then-fire: add --write accumulate or drop --threshold")
    }

    /// The names of the options given that ``DeviceDefaults`` would otherwise choose.
    var given: Set<String> {
        Set([
            ("lr", lr != nil), ("rounding", rounding != nil), ("write", write != nil), ("refresh-every", refreshEvery != nil),
            ("refresh-saturation", refreshSaturation != nil),
        ].filter(\.1).map(\.0))
    }

    /// `preset` with every given option applied, validated.
    func configuration(preset: BackpropConfiguration) throws -> BackpropConfiguration {
        var c = preset
        if let method { c.method = method }
        if let feedback { c.feedback = feedback }
        if let levels { c.levels = levels }
        if let hidden { c.hidden = hidden }
        if let activation { c.activation = activation }
        if let epochs { c.epochs = epochs }
        if let batch { c.batch = batch }
        if let seed { c.seed = seed }
        if let weights {
            if weights.isDevice != c.weights.isDevice, lr == nil {
                if weights.isDevice { c.pulseGain = 1 } else { c.learningRate = 1e-4 }
            }
            c.weights = weights
        }
        if let lr { c.learningRate = lr }
        if let hiddenDeltaGain { c.hiddenDeltaGain = hiddenDeltaGain }
        if let weightRange { c.weightRange = weightRange }
        if let xMax { c.xMax = xMax }
        if let deltaMin { c.deltaMin = deltaMin }
        if let deltaMax { c.deltaMax = deltaMax }
        if let quantisation { c.quantisation = quantisation }
        if let rounding { c.rounding = rounding }
        if let update { c.update = update }
        if let refreshEvery { c.refreshEvery = refreshEvery }
        if let refreshSaturation { c.refreshSaturation = refreshSaturation }
        if let c2c { c.c2c = c2c }
        if let write { c.write = write }
        if let threshold { c.writeThreshold = threshold }
        try c.validate()
        return c
    }
}
