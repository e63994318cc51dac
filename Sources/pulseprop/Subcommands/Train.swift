import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

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

    @OptionGroup var device: DeviceWeightOptions

    /// `--output` (default out/train-<rule>-seed<S>), `--resume`, `--overwrite`.
    @OptionGroup var folder: RunFolderOptions

    @Option(help: "Output format of the final summary: table (one line), json (summary.json) or csv (log.csv, one line per epoch).")
    var format: OutputFormat = .table

    @Option(help: "Seconds between progress lines within an epoch (printed while an epoch is longer).")
    var progressInterval = 10.0

    @OptionGroup var memory: MemoryOptions

    @Option(help: "Threads that share each minibatch's products and updates (device weights: a minibatch write's sums) (default: all cores; a minibatch runs on one thread instead when that proves faster at the time; the same bits for any count).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try require(threads >= 1, "threads", "must be ≥ 1, got \(threads)")
        try requireFinite(["progress-interval": progressInterval])
        try require(device.deviceEta == nil || options.lr == nil, "device-eta", "sets the pulse gain: give it or --lr, not both")
        try require(progressInterval > 0, "progress-interval", "must be > 0 s, got \(progressInterval)")
    }

    func run() throws {
        let request = try self.request()
        try request.validate()
        let (configuration, note) = try request.resolution()
        if let note { FileHandle.standardError.write(Data((note + "\n").utf8)) }
        try require(taskGrid == nil || data.data == nil, "task-grid", "sizes the built-in task: leave out --data")
        try taskGrid.map(BuiltinTask.validate(side:))
        let (train, test) = try data.datasets { BuiltinTask.split(side: taskGrid ?? BuiltinTask.defaultSide) }
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
        let summary = try RunHarness.complete(run, folder: folder) { record, eta in
            FileHandle.standardError.write(Data(Progress.epochLine(record, of: configuration.epochs, eta: eta).utf8))
        }
        if let circuitTraining, device.compare {
            try AtomicFile.write(circuitTraining.divergenceCSV(), to: (folder as NSString).appendingPathComponent("steps.csv"))
            try AtomicFile.write(circuitTraining.deltaGCSV(), to: (folder as NSString).appendingPathComponent("deltag.csv"))
        }
        switch format {
        case .json: try StandardOutput.write(try summary.json())
        case .csv: try StandardOutput.write(try run.logCSV(), terminator: "")
        case .table:
            try StandardOutput.write(String(
                format: "%@: test error %.2f %%, train error %.2f %% after %d epochs (%.2f s/epoch); files in %@",
                configuration.ruleName, 100 * summary.testError, 100 * summary.trainError, summary.epochs,
                summary.secondsPerEpoch, folder))
        }
    }

    /// The request these options make (``BackpropRequest`` holds the rules).
    private func request() throws -> BackpropRequest {
        BackpropRequest(
            configuration: try options.configuration(preset: data.data == nil ? .builtinTask : .paperMNIST),
            hardware: try device.hardware(), deviceOptionsGiven: device.given, compare: device.compare, deviceEta: device.deviceEta,
            givenOptions: data.data == nil ? nil : options.given.union(device.deviceEta == nil ? [] : ["device-eta"]))
    }
}
