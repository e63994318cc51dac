import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions


/// `pulseprop dbn train`: greedy pre-training of a deep belief net, classification by its
/// joint top RBM.
struct DbnTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Pre-train a deep belief net layer by layer with CD-k and classify with its joint top RBM.",
        discussion: """
            Weights are floats (--weights ideal) or device pairs of a preset (--weights pair --device NAME), \
            written per batch in proportion to each synapse's CD count or by accumulate-then-fire \
            (--write accumulate: one pulse per --threshold counts, the remainder kept). Writes into the \
            output folder log.csv, summary.json, curve.svg and checkpoint.json (after every epoch; --resume continues). A run that diverges (non-finite weights) stops naming the epoch; \
            one that cannot fit --max-memory is refused before it starts.
            """)

    @OptionGroup var data: DataOptions
    @Option(help: "Hidden units of each RBM from the input up, comma-separated (the top one is joint with the labels).")
    var layers = "500,500,2000"
    @Option(help: "Epochs of pre-training per RBM.")
    var epochs = 30
    @Option(help: "Minibatch size.")
    var batch = 100
    @Option(name: .customLong("cd-k"), help: "Gibbs steps of the model phase (CD-k), 1…1000.")
    var cdK = 1
    @Option(help: "Learning rate on the minibatch mean.")
    var lr = 0.1
    @Option(help: "CD statistics: samples (binary units everywhere: pulse coincidences) or probabilities (Hinton's code: less sampling noise; digital updates only). Default: probabilities, samples on the coincidence path.")
    var statistics: BeliefNetStatistics?
    @Option(help: "Momentum of the digital update from epoch 6 of each RBM (0.5 before, as in Hinton's code); default 0.9, 0 on the coincidence path (per-batch writes through --engine).")
    var momentum: Double?
    @Option(help: "Weight cost per example (L2 decay of the weights, not the biases); default 0.0002, 0 on the coincidence path.")
    var weightDecay: Double?
    @Option(help: "Weights: ideal (floats) or pair (two devices per weight, one written per update).")
    var weights = WeightMode.ideal
    @Option(help: "Device of the pairs: a preset (see 'pulseprop devices') or a Verilog-A file FILE.va (with --calibration from 'pulseprop calibrate --device FILE.va').")
    var device = "taox-hfox"
    @OptionGroup var verilogADevice: VerilogADeviceOptions
    @Option(help: "Calibration of the pairs' analytic response (default: the preset's shipped one; a Verilog-A device needs one).")
    var calibration: String?
    @Option(help: "Device writes: per-batch or accumulate.")
    var write = MinibatchWrite.accumulate
    @Option(help: "Coincidence counts per programming pulse (--weights pair only; default: the batch size, as in Wang et al.).")
    var threshold: Double?
    @Option(help: "Circuit path for small nets (--weights pair): simulate the crossbars with the analytic engine or spice (per-batch: every example's data and model phases as coincidence steps; accumulate: firings programmed row by row with half-selected devices). Default: each device from its pulse response.")
    var engine: EngineKind?
    @Option(help: "Seed of weights, data order and sampling.")
    var seed: UInt64 = 1
    /// `--output` (default out/dbn-<weights>-seed<seed>), `--resume` (RBMs already finished keep their epochs), `--overwrite`.
    @OptionGroup var folder: RunFolderOptions
    @Option(help: "Output format of the final summary: table (one line), json (summary.json) or csv (log.csv).")
    var format = OutputFormat.table
    @OptionGroup var memory: MemoryOptions
    @Option(help: "Seconds between progress lines within an epoch (printed while an epoch is longer).")
    var progressInterval = 10.0

    /// The run's configuration from the options, every value checked.
    func runConfiguration() throws -> BeliefNetConfiguration {
        var c = BeliefNetConfiguration()
        let sizes = layers.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 != nil }) else {
            throw ParameterError("layers", "must be comma-separated unit counts such as 500,500,2000, got '\(layers)'")
        }
        c.layers = sizes.map { $0! }
        (c.epochs, c.batch, c.cdK, c.learningRate, c.seed) = (epochs, batch, cdK, lr, seed)
        try require(weights != .reference, "weights", "must be ideal or pair, got '\(weights.rawValue)'")
        let mode = weights
        c.weights = mode
        c.device = device
        if device.lowercased().hasSuffix(".va") {
            // Checked (and its conductances measured) with the default pulses the belief net writes with.
            let own = CrossbarCircuit(device: .verilogA(try VerilogADevice.file(device)))
            c.verilogA = try verilogADevice.checked(own).device.verilogA
            c.device = c.verilogA!.source
        } else {
            try verilogADevice.requireUnused()
        }
        c.calibration = calibration.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        c.write = write.write
        // θ sets the device writes' pulses; float weights have none to set.
        try require(
            threshold == nil || mode == .pair, "threshold",
            "sets coincidence counts per device pulse; --weights ideal writes no pulses (add --weights pair or drop --threshold)")
        c.threshold = threshold ?? Double(batch)
        c.engine = engine
        c.fillPathDefaults(statistics: statistics, momentum: momentum, weightDecay: weightDecay)
        try c.validate()
        return c
    }

    func run() throws {
        let configuration = try runConfiguration()
        try require(progressInterval > 0, "progress-interval", "must be > 0")
        let (train, test) = try data.datasets { BuiltinTask.split() }
        let resume = self.folder.resume
        let folder = self.folder.folder(default: "out/dbn-\(configuration.weights.rawValue)-seed\(configuration.seed)")
        let lock = try self.folder.claim(folder)
        defer { lock.release() }
        let checkpoint = (folder as NSString).appendingPathComponent("checkpoint.json")
        let run = try BeliefNetRun(configuration: configuration, train: train, test: test, checkpointPath: checkpoint, resume: resume,
            memory: memory.budget())
        let short = run.checkpoint.epochsTrained.enumerated().filter { $0.offset < (run.checkpoint.next?.layer ?? Int.max) && $0.element < configuration.epochs }
        for (layer, epochs) in short {
            FileHandle.standardError.write(Data(
                "note: RBM \(layer) finished with \(epochs) epochs before --epochs grew to \(configuration.epochs); it keeps them (the RBMs above learned from it)\n".utf8))
        }
        let total = run.checkpoint.history.count + run.checkpoint.epochsLeft
        let examples = ExampleProgress(epochs: total, finished: run.checkpoint.history.count, interval: progressInterval)
        run.batchProgress = examples.update
        defer { examples.stop() }
        let summary = try RunHarness.complete(run, folder: folder) { record, eta in
            let test = record.testError.map { String(format: "  test %.2f %%", 100 * $0) } ?? ""
            let pulses = (record.writes ?? []).map(\.totalPulses).reduce(0, +)
            let disturbed = (record.writes ?? []).map(\.disturbed).reduce(0, +)
            let writes = record.writes == nil ? "" : "  \(pulses) pulses" + (engine == nil ? "" : ", \(disturbed) disturbed")
            FileHandle.standardError.write(Data(String(
                format: "RBM %d epoch %d/%d  reconstruction %.4f%@%@  %.2f s  ETA %@\n", record.layer, record.epoch,
                configuration.epochs, record.reconstructionError, test, writes, record.seconds, Progress.duration(eta)).utf8))
        }
        switch format {
        case .json: try StandardOutput.write(try summary.json())
        case .csv: try StandardOutput.write(try run.logCSV(), terminator: "")
        case .table:
            try StandardOutput.write(String(
                format: "dbn %@ (%@%@): test error %.2f %% after %@ epochs per RBM (%.2f s/epoch), %ld pulses; files in %@",
                configuration.layers.map(String.init).joined(separator: "-"), configuration.weights.rawValue,
                configuration.weights == .pair ? ", \(configuration.device), \(configuration.write.rawValue)" : "",
                100 * summary.testError, Self.epochsPerRBM(run.checkpoint), summary.secondsPerEpoch, summary.totalPulses, folder))
        }
    }

    /// `30`, or `10,30,30` when a resume to more epochs left finished RBMs with fewer.
    static func epochsPerRBM(_ checkpoint: BeliefNetCheckpoint) -> String {
        let epochs = checkpoint.epochsTrained
        return Set(epochs).count == 1 ? String(epochs[0]) : epochs.map(String.init).joined(separator: ",")
    }
}
