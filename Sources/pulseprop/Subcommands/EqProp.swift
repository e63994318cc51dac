import ArgumentParser
import Foundation
import PulseProp

extension EqPropEngineKind: ExpressibleByArgument {}
extension EqPropUpdateMode: ExpressibleByArgument {}

/// `pulseprop eqprop`: equilibrium propagation in an analog memristor network.
struct EqProp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eqprop",
        abstract: "Equilibrium propagation in an analog memristor network (Zoppo et al. 2020, Kendall et al. 2020).",
        subcommands: [EqPropTrain.self])
}

/// `pulseprop eqprop train`.
struct EqPropTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a layered memristor network by equilibrium propagation (free and nudged equilibria, device updates).",
        discussion: """
            Tasks: xor (4 examples), patterns (5x5 letters recovered from 0-30 % flipped pixels; \
            compared with a Hebbian Hopfield network), mnist (14x14 by 2x2 average pooling; needs --data). \
            Defaults per task: xor 4 hidden, 120 epochs, rate 400 /V^2; patterns 32 hidden, 30 epochs, \
            rate 400 /V^2; mnist 100 hidden, 3 epochs, rate 5e5 /V^2, neurons clamped at 2 mV and read \
            with A_out = 0.5 mV; beta 0.1 and the metal-oxide device throughout.
            """)

    @Option(help: "Task: xor, patterns or mnist.")
    var task: String

    @Option(help: "Folder with MNIST-layout IDX files (mnist only).")
    var data: String?

    @Option(help: "Equilibrium solver: analytic (Newton) or spice (ngspice operating point).")
    var engine: EqPropEngineKind = .analytic

    @Option(help: "Device update: pulses (stochastically rounded programming pulses) or continuous (drift under a drive for a fixed time).")
    var update: EqPropUpdateMode = .pulses

    @Option(help: "Nudging strength beta (> 0, in units of the device's ON conductance).")
    var beta: Double?

    @Option(help: "Learning rate eta in 1/V^2 (state step = -eta * dC/ds).")
    var rate: Double?

    @Option(help: "Learning rate of the hidden layer's devices in 1/V^2 (default: --rate).")
    var hiddenRate: Double?

    @Option(help: "Hidden neurons.")
    var hidden: Int?

    @Option(help: "Epochs.")
    var epochs: Int?

    @Option(help: "Seed of the initial states, example order and pulse rounding.")
    var seed: UInt64?

    @Option(help: "Device of every weight: a preset name (see 'pulseprop devices') or a device JSON file; defaults to metal-oxide.")
    var device: String?

    @Option(help: "Neuron clamp level V_b, V (the diodes' series sources; the output layer's bias).")
    var clampVoltage: Double?

    @Option(help: "Neuron diode thermal voltage V_T, V (the sharpness of the clamp).")
    var thermalVoltage: Double?

    @Option(help: "Output amplification: target t is the output pair's voltage difference A_out*t, V.")
    var outputAmplitude: Double?

    @Option(help: "mnist: train on the first N training examples only.")
    var trainLimit: Int?

    @Option(help: "mnist: test on the first N test examples only.")
    var testLimit: Int?

    @Option(help: "Folder for log.csv, summary.json, eqprop.svg and checkpoint.json.")
    var output: String?

    @Flag(help: "Continue from the output folder's checkpoint.")
    var resume = false

    @Option(help: "Output format: table (one line) or json (summary.json).")
    var format: OutputFormat = .table

    func validate() throws {
        try requireFinite([
            "beta": beta, "rate": rate, "hidden-rate": hiddenRate, "clamp-voltage": clampVoltage, "thermal-voltage": thermalVoltage, "output-amplitude": outputAmplitude,
        ])
        try require(format != .csv, "format", "takes table or json")
        try require(!resume || output != nil, "resume", "continues the checkpoint of --output DIR: give the folder")
        try require((trainLimit ?? 1) >= 1, "train-limit", "must be ≥ 1")
        try require((testLimit ?? 1) >= 1, "test-limit", "must be ≥ 1")
    }

    func run() throws {
        var c = try EqPropConfiguration.preset(task: task)
        c.engine = engine
        c.update = update
        if let beta { c.beta = beta }
        if let rate { c.rate = rate }
        if let hiddenRate { c.hiddenRate = hiddenRate }
        if let hidden { c.hidden = hidden }
        if let epochs { c.epochs = epochs }
        if let seed { c.seed = seed }
        if let device { c.device = try Device.resolve(device) }
        if let clampVoltage { c.neuron.clampVoltage = clampVoltage }
        if let thermalVoltage { c.neuron.thermalVoltage = thermalVoltage }
        if let outputAmplitude { c.neuron.outputAmplitude = outputAmplitude }
        try c.validate()
        try require((data != nil) == (task == "mnist"), "data", task == "mnist" ? "mnist needs --data DIR" : "applies to --task mnist only")
        let eqpropTask: EqPropTask
        switch task {
        case "xor": eqpropTask = .xor
        case "patterns": eqpropTask = PatternTask.task(seed: c.seed)
        default: eqpropTask = try .mnist(directory: data!, trainCount: trainLimit ?? .max, testCount: testLimit ?? .max)
        }
        if let output { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) }
        let checkpoint = output.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }
        let run = try EqPropRun(configuration: c, task: eqpropTask, checkpointPath: checkpoint, resume: resume)
        try run.run { r in
            FileHandle.standardError.write(Data(String(
                format: "epoch %d/%d  loss %.4g  error %.2f %%  mode cosine %.3f  %.2f s\n",
                r.epoch, c.epochs, r.trainLoss, 100 * r.error, r.modeCosine, r.seconds).utf8))
        }
        let reconstruction = task == "patterns" ? try PatternTask.levels.map { level in
            let probes = PatternTask.examples(level: level, copies: 20, seed: c.seed &+ 200)
            return ReconstructionPoint(
                corruption: level, eqpropError: try run.error(on: probes),
                hopfieldError: HopfieldNetwork(storing: PatternTask.letters).error(on: probes))
        } : nil
        let summary = EqPropSummary(run: run, reconstruction: reconstruction)
        if let output {
            let (_, free, nudged) = try run.phases()
            try EqPropReport.writeFiles(run: run, summary: summary, free: free, nudged: nudged, folder: output)
        }
        if format == .json {
            print(try summary.json())
        } else {
            print(String(format: "eqprop %@ (%@, %@): error %.2f %% after %d epochs (%.3f s/epoch)%@", task, engine.rawValue, update.rawValue,
                         100 * summary.error, summary.epochs, summary.secondsPerEpoch,
                         reconstruction.map { r in "; reconstruction error vs corruption (eqprop / hopfield): " + r.map {
                             String(format: "%.0f %%: %.3f / %.3f", 100 * $0.corruption, $0.eqpropError, $0.hopfieldError) }.joined(separator: ", ") } ?? ""))
        }
    }
}
