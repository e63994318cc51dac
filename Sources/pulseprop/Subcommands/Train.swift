import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions


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
    @Option(help: "Rounding of pulse counts: nearest (ties to even), floor (toward zero) or stochastic (absmin: up with probability equal to the fractional part, one dither per example and layer).")
    var rounding: PulseRounding?

    func validate() throws {
        try requireFinite([
            "lr": lr, "hidden-delta-gain": hiddenDeltaGain, "weight-range": weightRange, "x-max": xMax,
            "delta-min": deltaMin, "delta-max": deltaMax, "refresh-saturation": refreshSaturation, "c2c": c2c,
        ])
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
        try c.validate()
        return c
    }
}

/// `pulseprop train`: trains the [inputs-hidden-classes] perceptron with a memristor rule.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a two-layer network with the approximate backpropagation rules of Negrov et al. (2017).",
        discussion: """
            With --data it trains on MNIST-layout IDX files with the paper's setting (ideal weights, \
            times, transposed, continuous, [784-110-10], 50 epochs). Without it, it trains the built-in \
            3x3 glyph task with device weights (a [9-6-4] network of 88 memristors); --engine spice \
            simulates every example's learning step in ngspice.
            """)

    @OptionGroup var data: DataOptions

    @Option(help: "Built-in task (without --data): side of its square stroke image, odd, 3 to 63 (default 3: the [9-6-4] task; 7: 49 inputs, crossbar columns long enough that wire resistance matters).")
    var taskGrid: Int?

    @OptionGroup var options: TrainingOptions

    @Option(help: "Device weights: set the pulse gain so that one pulse is one device step and an example's expected weight change is ETA·min(x, |delta|), as with ideal weights at --lr ETA (replaces --lr; use with --rounding stochastic).")
    var deviceEta: Double?

    @Option(help: "Device weights: engine that simulates the crossbars, analytic (default) or spice.")
    var engine: EngineKind?

    @Option(help: "Device weights: calibration file for the analytic engine (default: the shipped one).")
    var calibration: String?

    @Flag(help: "With --engine spice: shadow every step with the analytic engine and log both engines' conductance changes (steps.csv: per-step RMS difference; deltag.csv: every written device's ΔG in both).")
    var compare = false

    @Flag(help: "Device weights: read every forward product from the crossbars in SPICE (sub-threshold operating point, reference column) instead of the ideal matrix product; its error against the ideal product is logged.")
    var spiceRead = false

    @Option(help: "Largest row voltage of a SPICE read, V (below both switching thresholds).")
    var readVoltage = 0.2

    @OptionGroup(title: "Crossbar circuit (device weights)") var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions

    /// `--output` (default out/train-<rule>-seed<S>), `--resume`, `--overwrite`.
    @OptionGroup var folder: RunFolderOptions

    @Option(help: "Output format of the final summary: table (one line), json (summary.json) or csv (log.csv, one line per epoch).")
    var format: OutputFormat = .table

    @Option(help: "Seconds between progress lines within an epoch (printed while an epoch is longer).")
    var progressInterval = 10.0

    @OptionGroup var memory: MemoryOptions

    @Option(help: "Threads that share each minibatch of float-weight training (default: all cores; a minibatch runs on one thread instead when that proves faster at the time; the same bits for any count).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try require(threads >= 1, "threads", "must be ≥ 1, got \(threads)")
        try requireFinite(["read-voltage": readVoltage, "progress-interval": progressInterval, "device-eta": deviceEta])
        try require((deviceEta ?? 1) > 0, "device-eta", "must be > 0")
        try require(deviceEta == nil || options.lr == nil, "device-eta", "sets the pulse gain: give it or --lr, not both")
        try require(progressInterval > 0, "progress-interval", "must be > 0 s, got \(progressInterval)")
    }

    func run() throws {
        let request = try self.request()
        try request.validate()
        let configuration = try request.resolvedConfiguration()
        try require(taskGrid == nil || data.data == nil, "task-grid", "sizes the built-in task: leave out --data")
        try taskGrid.map(BuiltinTask.validate(side:))
        let (train, test) = try data.datasets { try BuiltinTask.split(side: taskGrid ?? BuiltinTask.defaultSide) }
        try request.checkCost(inputs: train.features, outputs: train.classes, budget: memory.budget())
        let folder = self.folder.folder(default: request.defaultFolder)
        let lock = try self.folder.claim(folder)
        defer { lock.release() }
        let started = try request.start(
            configuration, train: train, test: test, checkpointPath: (folder as NSString).appendingPathComponent("checkpoint.json"),
            resume: self.folder.resume)
        let (run, circuitTraining) = (started.run, started.circuit)
        run.threads = threads
        let examples = ExampleProgress(
            epochs: configuration.epochs, finished: run.checkpoint.history.count, interval: progressInterval)
        run.batchProgress = examples.update
        defer { examples.stop() }
        let history = try run.run { record, eta in
            FileHandle.standardError.write(Data(Progress.epochLine(record, of: configuration.epochs, eta: eta).utf8))
            try? AtomicFile.write(BackpropReport.csv(run.checkpoint.history), to: (folder as NSString).appendingPathComponent("log.csv"))
        }
        if let circuitTraining, compare {
            try AtomicFile.write(circuitTraining.divergenceCSV(), to: (folder as NSString).appendingPathComponent("steps.csv"))
            try AtomicFile.write(circuitTraining.deltaGCSV(), to: (folder as NSString).appendingPathComponent("deltag.csv"))
        }
        let summary = try BackpropReport.writeFiles(history: history, configuration: configuration, folder: folder)
        switch format {
        case .json: try StandardOutput.write(try summary.json())
        case .csv: try StandardOutput.write(try BackpropReport.csv(history), terminator: "")
        case .table:
            try StandardOutput.write(String(
                format: "%@: test error %.2f %%, train error %.2f %% after %d epochs (%.2f s/epoch); files in %@",
                configuration.ruleName, 100 * summary.testError, 100 * summary.trainError, summary.epochs,
                summary.secondsPerEpoch, folder))
        }
    }

    /// The request these options make (``BackpropRequest`` holds the rules).
    private func request() throws -> BackpropRequest {
        var hardware = CrossbarHardware(circuit: try circuitOptions.circuit(), engine: engine ?? .analytic, calibrationPath: calibration)
        hardware.spiceRead = spiceRead
        hardware.readVoltage = readVoltage
        hardware.spiceModel = spiceModelOptions.spiceModel
        hardware.spiceSolver = spiceModelOptions.solver
        let given = [
            ("engine", engine != nil), ("calibration", calibration != nil), ("compare", compare), ("spice-read", spiceRead),
            ("device-eta", deviceEta != nil),
        ].filter(\.1).map(\.0)
        return BackpropRequest(
            configuration: try options.configuration(preset: data.data == nil ? .builtinTask : .paperMNIST), hardware: hardware,
            deviceOptionsGiven: given, compare: compare, deviceEta: deviceEta)
    }
}
