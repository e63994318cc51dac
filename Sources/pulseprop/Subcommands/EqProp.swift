import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions


/// `pulseprop eqprop`: equilibrium propagation in an analog memristor network.
struct EqProp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eqprop",
        abstract: "Equilibrium propagation in an analog memristor network (Zoppo et al. 2020, Kendall et al. 2020).",
        subcommands: [EqPropTrain.self, EqPropExport.self])
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

    @OptionGroup var network: EqPropNetworkOptions

    @Option(help: "Equilibrium solver: analytic (Newton) or spice (ngspice operating point; with --update continuous the nudged phase is an ngspice transient in which the devices drift).")
    var engine: EngineKind?

    @Flag(help: "Train twice from the same seed, with the analytic and the spice engine, and draw both curves side by side (compare.svg, compare.csv; each run's files in analytic/ and spice/).")
    var compare = false

    @Option(help: "Device update: pulses (stochastically rounded programming pulses) or continuous (drift under a drive for a fixed time).")
    var update: EqPropUpdateMode = .pulses

    @Option(help: "Learning rate eta in 1/V^2 (state step = -eta * dC/ds).")
    var rate: Double?

    @Option(help: "Learning rate of the hidden layer's devices in 1/V^2 (default: --rate).")
    var hiddenRate: Double?

    @Option(help: "Epochs.")
    var epochs: Int?

    @Option(help: "A Verilog-A device's calibration (its per-pulse response, from 'pulseprop calibrate --device FILE.va'): the analytic engine's updates go through it (the spice engine simulates the pulses).")
    var calibration: String?

    @OptionGroup var folder: RunFolderOptions

    @OptionGroup var memory: MemoryOptions

    @Option(help: "Output format: table (one line) or json (summary.json).")
    var format: OutputFormat = .table

    func validate() throws {
        try requireFinite(["rate": rate, "hidden-rate": hiddenRate])
        try require(format != .csv, "format", "takes table or json")
        try require(!folder.resume || folder.output != nil, "resume", "continues the checkpoint of --output DIR: give the folder")
        try require(!compare || engine == nil, "compare", "runs both engines: leave out --engine")
        try require(!folder.overwrite || folder.output != nil, "overwrite", "replaces the checkpoint of --output DIR: give the folder")
    }

    func run() throws {
        var c = try network.configuration()
        c.engine = engine ?? .analytic
        c.update = update
        if let rate { c.rate = rate }
        if let hiddenRate { c.hiddenRate = hiddenRate }
        if let epochs { c.epochs = epochs }
        c.calibration = calibration.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        try c.validate()
        let task = try network.examples(c)
        try EqPropCost(inputs: task.inputs, hidden: c.hidden, outputs: task.outputs).check(
            memory.budget(), netlist: false, spice: compare || c.engine == .spice)
        let output = folder.output
        let resume = folder.resume
        let lock = try output.map {
            try folder.claim($0, checkpoints: ["checkpoint.json"] + EngineKind.allCases.map { "\($0.rawValue)/checkpoint.json" })
        }
        defer { lock?.release() }
        func progress(_ engine: EngineKind, _ r: EqPropEpochResult) {
            FileHandle.standardError.write(Data(String(
                format: "%@epoch %d/%d  loss %.4g  error %.2f %%  mode cosine %.3f  step rms %.3g (modes differ by %.3g)  %.2f s\n",
                compare ? "\(engine.rawValue): " : "", r.epoch, c.epochs, r.trainLoss, 100 * r.error, r.modeCosine, r.stepRms ?? .nan,
                r.modeRmsDifference ?? .nan, r.seconds).utf8))
        }
        guard compare else {
            let checkpoint = output.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }
            let run = try EqPropRun(configuration: c, task: task, checkpointPath: checkpoint, resume: resume)
            let summary = try RunHarness.complete(run, folder: output) { record, _ in progress(c.engine, record) }
            try StandardOutput.write(format == .json ? try summary.json() : line(summary))
            return
        }
        let comparison = try EqPropComparison(configuration: c, task: task, folder: output, resume: resume)
        try comparison.run(progress: progress)
        let summary = EqPropComparisonSummary(
            comparison: comparison,
            analytic: try comparison.analytic.finish(in: output.map { EqPropComparison.folder($0, .analytic) }),
            spice: try comparison.spice.finish(in: output.map { EqPropComparison.folder($0, .spice) }))
        if let output { try EqPropComparisonReport.writeFiles(comparison, summary: summary, folder: output) }
        if format == .json {
            try StandardOutput.write(try summary.json())
        } else {
            try StandardOutput.write([
                line(summary.analytic), line(summary.spice),
                String(
                    format: "largest difference, spice vs analytic: device state %.3g, test error %.3g, train loss %.3g",
                    summary.largestStateDifference, summary.largestErrorDifference, summary.largestLossDifference),
            ].joined(separator: "\n"))
        }
    }

    /// The one-line table form of `summary`.
    private func line(_ summary: EqPropSummary) -> String {
        String(format: "eqprop %@ (%@, %@): error %.2f %% after %d epochs (%.3f s/epoch)%@", summary.task, summary.engine, summary.update,
               100 * summary.error, summary.epochs, summary.secondsPerEpoch,
               summary.reconstruction.map { r in "; reconstruction error vs corruption (eqprop / hopfield): " + r.map {
                   String(format: "%.0f %%: %.3f / %.3f", 100 * $0.corruption, $0.eqpropError, $0.hopfieldError) }.joined(separator: ", ") } ?? "")
    }
}
