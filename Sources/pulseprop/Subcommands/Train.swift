import ArgumentParser
import Foundation
import PulseProp

extension UpdateMethod: ExpressibleByArgument {}
extension FeedbackKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension WeightMode: ExpressibleByArgument {}
extension EngineKind: ExpressibleByArgument {}

/// `pulseprop train`: trains the [inputs-hidden-classes] perceptron with a memristor rule.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a two-layer network with the approximate backpropagation rules of Negrov et al. (2017).")

    @Option(help: "Folder with MNIST-layout IDX files (gzip or raw), e.g. ../shared/data/mnist or /usr/share/datasets/fashion-mnist.")
    var data: String

    @Option(help: "Update rule: times or absmin.")
    var method: UpdateMethod = .times

    @Option(help: "Error feedback: transposed or const (fixed random).")
    var feedback: FeedbackKind = .transposed

    @Option(help: "Pulse levels for x and delta (0 = continuous).")
    var levels: Int = 0

    @Option(help: "Hidden units.")
    var hidden: Int = 110

    @Option(help: "Hidden activation: relu or sigmoid.")
    var activation: Activation = .relu

    @Option(help: "Epochs.")
    var epochs: Int = 50

    @Option(help: "Minibatch size.")
    var batch: Int = 100

    @Option(help: "Seed of weights, feedback matrix and data order.")
    var seed: UInt64 = 1

    @Option(help: "Initial learning rate: eta per example for ideal weights (default 1e-4; summed over the minibatch), the gain on delta before pulse encoding for device weights (default 1).")
    var lr: Double?

    @Option(help: "Weights: ideal (floats) or device (conductance pairs updated by pulses).")
    var weights: WeightMode = .ideal

    @Option(help: "Device weights: engine that simulates the crossbars, analytic or spice.")
    var engine: EngineKind = .analytic

    @Option(help: "Device weights: largest weight magnitude a device holds.")
    var weightRange: Double = 1

    @Option(help: "Device weights: calibration file for the analytic engine (default: the shipped one).")
    var calibration: String?

    @OptionGroup(title: "Crossbar circuit (device weights)") var circuitOptions: CircuitOptions

    @Option(help: "Folder for log.csv, summary.json, curve.svg and checkpoint.json (default out/train-<rule>-seed<S>).")
    var output: String?

    @Flag(help: "Continue from the output folder's checkpoint.")
    var resume = false

    @Option(help: "Output format of the final summary: table or json.")
    var format: OutputFormat = .table

    func run() throws {
        var configuration = TrainingConfiguration()
        configuration.method = method
        configuration.feedback = feedback
        configuration.levels = levels
        configuration.hidden = hidden
        configuration.activation = activation
        configuration.epochs = epochs
        configuration.batch = batch
        configuration.seed = seed
        configuration.learningRate = lr ?? (weights == .device ? 1 : 1e-4)
        configuration.weights = weights
        configuration.weightRange = weightRange
        try configuration.validate()
        let hardware = CrossbarHardware(circuit: try circuitOptions.circuit(), engine: engine, calibrationPath: calibration)
        let folder = output ?? "out/train-\(configuration.ruleName)-seed\(seed)"
        let (train, test) = try Dataset.mnist(directory: data)
        let run = try TrainingRun(
            configuration: configuration, train: train, test: test,
            checkpointPath: (folder as NSString).appendingPathComponent("checkpoint.json"), resume: resume,
            weightUpdater: weights == .device ? { try hardware.updater(for: $0, configuration: configuration) } : nil)
        let history = try run.run { record, eta in
            FileHandle.standardError.write(Data(Progress.epochLine(record, of: configuration.epochs, eta: eta).utf8))
            try? AtomicFile.write(TrainingReport.csv(run.checkpoint.history), to: (folder as NSString).appendingPathComponent("log.csv"))
        }
        let summary = TrainingReport.Summary(configuration: configuration, history: history)
        try AtomicFile.write(TrainingReport.csv(history), to: (folder as NSString).appendingPathComponent("log.csv"))
        try AtomicFile.write(try summary.json(), to: (folder as NSString).appendingPathComponent("summary.json"))
        try AtomicFile.write(
            TrainingReport.curve(history, title: "\(configuration.ruleName), seed \(seed)"),
            to: (folder as NSString).appendingPathComponent("curve.svg"))
        switch format {
        case .json: print(try summary.json())
        default:
            print(String(format: "%@: test error %.2f %%, train error %.2f %% after %d epochs (%.2f s/epoch); files in %@",
                         configuration.ruleName, 100 * summary.testError, 100 * summary.trainError, summary.epochs,
                         summary.secondsPerEpoch, folder))
        }
    }
}

/// Progress lines for long runs.
enum Progress {
    /// `epoch 3/50  train 5.21 %  test 4.90 %  lr 1.21e-04  0.42 s  ETA 20 s`.
    static func epochLine(_ r: EpochRecord, of total: Int, eta: Double) -> String {
        String(
            format: "epoch %d/%d  train %.2f %%  test %.2f %%  lr %.3g  %.2f s  ETA %.0f s\n", r.epoch, total,
            100 * r.trainError, 100 * r.testError, r.learningRate, r.seconds, eta)
    }
}
