import Foundation

extension EngineKind {
    /// An equilibrium solver of this kind (the analytic Newton solver, or ngspice's operating point).
    public func makeEqPropEngine() throws -> any EqPropEngine {
        switch self {
        case .analytic: return EqPropAnalyticSolver()
        case .spice: return try EqPropSpiceSolver()
        }
    }
}

/// Everything that defines an equilibrium-propagation training run.
public struct EqPropConfiguration: Codable, Equatable, Sendable {
    public var task: String
    public var engine: EngineKind
    public var update: EqPropUpdateMode
    /// Nudging strength `β` (units of `G_on`).
    public var beta: Double
    /// Learning rate `η` of the output layer, 1/V² (``EqPropUpdater``).
    public var rate: Double
    /// Learning rate of the hidden layer (nil: ``rate``).
    public var hiddenRate: Double?
    public var hidden: Int
    public var epochs: Int
    public var seed: UInt64
    /// The neuron circuit and the source and output scales.
    public var neuron: EqPropNeuron
    /// The device every weight is.
    public var device: Device
    /// A Verilog-A device's calibration file (its per-pulse response, which the analytic
    /// engine's updates go through, ``EqPropUpdater``; the SPICE engine simulates the pulses);
    /// absent for the other kinds and in checkpoints written before Verilog-A devices.
    public var calibration: String?

    /// The defaults of `task` (one of ``EqPropTask/names``). MNIST's hidden layer averages 392
    /// input devices, so its swing is about five times smaller than the small tasks': its neurons
    /// clamp at 2 mV (`V_T = 0.4 mV`) and its outputs are read with `A_out = 0.5 mV`; the
    /// gradient scales with voltage squared, hence its larger rate.
    public static func preset(task: String) throws -> EqPropConfiguration {
        let (hidden, beta, rate, epochs): (Int, Double, Double, Int)
        var neuron = EqPropNeuron()
        switch task {
        case "xor": (hidden, beta, rate, epochs) = (4, 0.1, 400, 120)
        case "patterns": (hidden, beta, rate, epochs) = (32, 0.1, 400, 30)
        case "mnist":
            (hidden, beta, rate, epochs) = (100, 0.1, 5e5, 3)
            (neuron.clampVoltage, neuron.thermalVoltage, neuron.outputAmplitude) = (0.002, 0.0004, 0.0005)
        default: throw ParameterError("task", "must be one of \(EqPropTask.names.joined(separator: ", ")), got '\(task)'")
        }
        return EqPropConfiguration(
            task: task, engine: .analytic, update: .pulses, beta: beta, rate: rate, hiddenRate: nil, hidden: hidden, epochs: epochs, seed: 1,
            neuron: neuron, device: .metalOxide)
    }

    /// Checks every value, naming the first that is out of range.
    public func validate() throws {
        try require(EqPropTask.names.contains(task), "task", "must be one of \(EqPropTask.names.joined(separator: ", ")), got '\(task)'")
        try require(beta > 0 && beta.isFinite, "beta", "must be a finite number > 0, got \(beta)")
        try require(rate > 0 && rate.isFinite, "rate", "must be a finite number > 0, got \(rate)")
        try require((hiddenRate ?? 1) > 0 && (hiddenRate ?? 1).isFinite, "hidden-rate", "must be a finite number > 0, got \(hiddenRate ?? 1)")
        try require(hidden >= 1, "hidden", "must be at least 1, got \(hidden)")
        try require(
            hidden <= EqPropNetwork.largestDeviceCount, "hidden",
            "\(hidden) hidden neurons need more than \(EqPropNetwork.largestDeviceCount) devices")
        try require(epochs >= 1, "epochs", "must be at least 1, got \(epochs)")
        try EqPropNetwork.validate(device: device)
        try neuron.validate(threshold: min(device.setThreshold, device.resetThreshold))
        try require(
            calibration == nil || device.verilogA != nil, "calibration",
            "is the per-pulse response of a Verilog-A device; this device has its own equations")
        if device.verilogA != nil, update == .continuous, engine == .spice { throw Self.continuousSpiceError }
    }

    /// A Verilog-A device with the continuous rule in SPICE: the transient drives each device by
    /// the threshold family's drift law (``EqPropDrive``), which a foreign model does not have.
    static let continuousSpiceError = ParameterError(
        "update",
        "continuous with --engine spice drives every device by the threshold family's drift law, which a Verilog-A device "
            + "does not have: use --update pulses or --engine analytic")
}

/// A run's state after its last finished epoch: what `--resume` continues from.
public struct EqPropCheckpoint: Codable, Equatable, Sendable {
    /// The run's configuration (`epochs` is the target, which a resumed run may raise).
    public var configuration: EqPropConfiguration
    public var network: EqPropNetwork
    public var history: [EqPropEpochResult]

    /// The checkpoint in the file at `path`, every field checked (``validate()``); an
    /// unreadable or unusable one is a ``DataError`` naming the file and the field.
    public static func read(_ path: String) throws -> EqPropCheckpoint {
        let data = try InputFile.data(atPath: path)
        return try decode(data, name: path)
    }

    /// The checkpoint in `data` (read from `name`), every field checked.
    public static func decode(_ data: Data, name: String) throws -> EqPropCheckpoint {
        let checkpoint: EqPropCheckpoint
        do {
            checkpoint = try SnakeCaseJSON.decode(EqPropCheckpoint.self, from: data)
        } catch {
            throw DataError(name, "is not a readable checkpoint: \(SnakeCaseJSON.reason(error))")
        }
        do {
            try checkpoint.validate()
        } catch let error as ParameterError {
            throw DataError(name, "is not a usable checkpoint: field \(error.parameter) \(error.problem)")
        }
        return checkpoint
    }
}

/// Trains a network on a task epoch by epoch, writing a checkpoint after each (atomically:
/// a failed epoch, e.g. an equilibrium that does not converge, leaves the last one intact).
/// Epoch `e` draws its example order and pulse rounding from seeds derived from the run's
/// seed and `e`, so a resumed run is the run that was not interrupted.
public final class EqPropRun {
    public let task: EqPropTask
    public private(set) var checkpoint: EqPropCheckpoint
    private let engine: any EqPropEngine
    private let checkpointPath: String?
    /// A Verilog-A device's per-pulse response (``EqPropConfiguration/calibration``).
    private let calibration: PulseResponseCalibration?

    /// A run of `configuration` on `task`, from the checkpoint at `checkpointPath` when
    /// `resume` is set and it exists (it must hold the same configuration); without one the
    /// run starts afresh.
    public init(configuration: EqPropConfiguration, task: EqPropTask, checkpointPath: String?, resume: Bool) throws {
        try configuration.validate()
        self.task = task
        self.checkpointPath = checkpointPath
        engine = try configuration.engine.makeEqPropEngine()
        calibration = try configuration.calibration.map { path in
            let calibration = try PulseResponseCalibration.load(path: path)
            try calibration.requireMatch(CrossbarCircuit(device: configuration.device), name: path)
            return calibration
        }
        if let checkpointPath = RunHarness.checkpointToResume(checkpointPath, resume: resume) {
            let saved = try EqPropCheckpoint.read(checkpointPath)
            try RunHarness.requireResumable(saved: saved.configuration, requested: configuration, checkpoint: checkpointPath)
            try require(
                saved.network.inputs == task.inputs && saved.network.outputs == task.outputs, "resume",
                "\(checkpointPath) holds a network of \(saved.network.inputs) inputs and \(saved.network.outputs) outputs; the task has \(task.inputs) and \(task.outputs)")
            checkpoint = saved
            checkpoint.configuration.epochs = configuration.epochs
        } else {
            checkpoint = EqPropCheckpoint(configuration: configuration, network: try Self.initialNetwork(configuration, task: task), history: [])
        }
    }

    /// The untrained network a run of `configuration` on `task` starts from.
    public static func initialNetwork(_ configuration: EqPropConfiguration, task: EqPropTask) throws -> EqPropNetwork {
        try EqPropNetwork(
            inputs: task.inputs, hidden: configuration.hidden, outputs: task.outputs, device: configuration.device,
            neuron: configuration.neuron, seed: configuration.seed)
    }

    public var configuration: EqPropConfiguration { checkpoint.configuration }

    /// Runs the remaining epochs, checkpointing after each (``RunHarness``), calling `progress`
    /// after each.
    public func run(progress: (EqPropEpochResult) throws -> Void = { _ in }) throws {
        try RunHarness.run(self, checkpointPath: checkpointPath) { result, _ in try progress(result) }
    }

    /// The free and nudged equilibria of the first test example, by this run's engine.
    public func phases() throws -> (example: EqPropExample, free: [Double], nudged: [Double]) {
        let example = task.test[0]
        let (free, nudged) = try trainer(seed: 0).phases(checkpoint.network, example)
        return (example, free, nudged)
    }

    /// The task's error on `examples` with this run's engine.
    public func error(on examples: [EqPropExample]) throws -> Double {
        try trainer(seed: 0).error(checkpoint.network, on: examples, metric: task.metric)
    }

    /// A trainer of this run's configuration whose pulse rounding draws from `seed`.
    private func trainer(seed: UInt64) throws -> EqPropTrainer {
        let c = checkpoint.configuration
        return try EqPropTrainer(
            engine: engine, beta: c.beta, mode: c.update, rate: c.rate, hiddenRate: c.hiddenRate, device: checkpoint.network.device, seed: seed,
            calibration: calibration)
    }
}

extension EqPropRun: LearningRun {
    public var epochsFinished: Int { checkpoint.history.count }
    public var epochsPlanned: Int { checkpoint.configuration.epochs }

    /// Epoch `e` draws its example order and pulse rounding from seeds derived from the run's
    /// seed and `e` alone.
    public func runEpoch() throws -> EqPropEpochResult {
        let c = checkpoint.configuration
        let epoch = checkpoint.history.count + 1
        var network = checkpoint.network
        let start = Date()
        let epochSeed = c.seed &* 0x9E37_79B9 &+ UInt64(epoch)
        var trainer = try trainer(seed: epochSeed)
        var order = SeededGenerator(seed: epochSeed &+ 1)
        let statistics = try trainer.epoch(&network, task.train, using: &order)
        let error = try trainer.error(network, on: task.test, metric: task.metric)
        let result = EqPropEpochResult(
            epoch: epoch, trainLoss: statistics.loss, error: error, modeCosine: statistics.modeCosine, stepRms: statistics.stepRms,
            modeRmsDifference: statistics.modeRmsDifference, seconds: Date().timeIntervalSince(start))
        checkpoint.network = network
        checkpoint.history.append(result)
        return result
    }

    public func checkpointData() throws -> Data { try SnakeCaseJSON.encode(checkpoint) }

    public func logCSV() throws -> String { EqPropReport.csv(checkpoint.history) }

    /// The summary (for patterns with the reconstruction table against the Hopfield baseline);
    /// with a `folder`, `log.csv`, `summary.json` and `eqprop.svg` are written there.
    public func finish(in folder: String?) throws -> EqPropSummary {
        let c = configuration
        let reconstruction = c.task == "patterns" ? try PatternTask.levels.map { level in
            let probes = PatternTask.examples(level: level, copies: 20, seed: c.seed &+ 200)
            return ReconstructionPoint(
                corruption: level, eqpropError: try error(on: probes),
                hopfieldError: HopfieldNetwork(storing: PatternTask.letters).error(on: probes))
        } : nil
        let summary = EqPropSummary(run: self, reconstruction: reconstruction)
        if let folder {
            let (_, free, nudged) = try phases()
            try EqPropReport.writeFiles(run: self, summary: summary, free: free, nudged: nudged, folder: folder)
        }
        return summary
    }
}

extension EqPropConfiguration: ResumableConfiguration {}
