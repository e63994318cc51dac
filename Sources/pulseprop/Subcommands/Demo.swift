import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop demo`: the main job. Trains the built-in task with the SPICE engine (analytic
/// shadow on) and with the analytic engine from the same seed, traces one device through a
/// real learning step, and writes a self-contained HTML report.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the built-in task with ngspice in the loop and with the analytic engine; write an HTML report.",
        discussion: """
            Writes into the output folder: report.html (self-contained), spice/ and analytic/ (log.csv, \
            summary.json, curve.svg of each run), steps.csv (per-step RMS ΔG difference SPICE vs analytic), \
            deltag.csv (every compared device's ΔG in both engines), trace.csv (one device's electrodes \
            and state through a step), step.cir (that step's netlist) and data.json (all plotted data).
            """)

    @Flag(help: "A small run for tests: 16 training and 16 test examples, 1 epoch.")
    var quick = false

    @Option(help: "Output folder.")
    var output = "out/demo"

    @Option(help: "Epochs (default: the built-in preset's 8, or 1 with --quick).")
    var epochs: Int?

    @Option(help: "Seed of data, weights and data order.")
    var seed: UInt64 = 1

    @Flag(help: "Also read every forward product from the crossbars in SPICE (see train --spice-read).")
    var spiceRead = false

    @OptionGroup(title: "Crossbar circuit") var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions

    @Option(help: "Calibration of the analytic engine for the circuit options (default: the shipped one for the default device and pulses; for other options the demo calibrates in ngspice first and writes calibration.json).")
    var calibration: String?

    func run() throws {
        var configuration = BackpropConfiguration.builtinTask
        configuration.seed = seed
        configuration.epochs = epochs ?? (quick ? 1 : configuration.epochs)
        try configuration.validate()
        let (train, test) = quick ? BuiltinTask.split(seed: seed, train: 16, test: 16) : BuiltinTask.split(seed: seed)
        let circuit = try circuitOptions.circuit()
        let path = { (name: String) in (output as NSString).appendingPathComponent(name) }
        let lock = try OutputLock(folder: output)
        defer { lock.release() }
        var hardware = CrossbarHardware(circuit: circuit, engine: .spice, calibrationPath: try calibrationPath(for: circuit, in: path))
        hardware.spiceRead = spiceRead
        spiceModelOptions.configure(&hardware)

        FileHandle.standardError.write(Data("""
            demo: [9-\(configuration.hidden)-\(train.classes)] network on the built-in task (\(train.count) training, \
            \(test.count) test examples), \(configuration.epochs) epoch(s); every example's learning step runs in \
            ngspice, shadowed by the analytic engine, then the same run on the analytic engine alone

            """.utf8))
        let spice = try CircuitTraining(configuration: configuration, hardware: hardware, train: train, test: test, compare: true)
        let spiceStart = Date()
        let spiceHistory = try spice.run.run { record, eta in report("[1/2] SPICE engine", record, of: configuration.epochs, eta: eta) }
        let spiceSeconds = Date().timeIntervalSince(spiceStart)
        try BackpropReport.writeFiles(history: spiceHistory, configuration: configuration, folder: path("spice"), title: "SPICE engine")
        try AtomicFile.write(spice.divergenceCSV(), to: path("steps.csv"))

        hardware.engine = .analytic
        let analytic = try CircuitTraining(configuration: configuration, hardware: hardware, train: train, test: test, compare: false)
        let analyticStart = Date()
        let analyticHistory = try analytic.run.run { record, eta in report("[2/2] analytic engine", record, of: configuration.epochs, eta: eta) }
        let analyticSeconds = Date().timeIntervalSince(analyticStart)
        try BackpropReport.writeFiles(history: analyticHistory, configuration: configuration, folder: path("analytic"), title: "analytic engine")

        guard let written = spice.monitor.firstWritingStep else {
            throw ValidationError("no learning step wrote a device; nothing to trace (try more examples or epochs)")
        }
        let engine = try spiceModelOptions.engine(hardware.circuit)
        let trace = try engine.trace(written.step, from: written.states, device: written.step.illustrativeDevice)
        let netlist = try CrossbarNetlist(
            circuit: hardware.circuit, step: written.step, states: written.states,
            title: "PulseProp demo: a learning step of the input-to-hidden crossbar", measureEnergy: true
        ).text
        let data = DemoData(
            rule: configuration.ruleName, configuration: configuration, circuit: hardware.circuit,
            devices: spice.updater.states.map(\.elements.count).reduce(0, +),
            ngspiceVersion: engine.ngspiceVersion, spice: spiceHistory, analytic: analyticHistory,
            deltaG: spice.monitor.pairs, trace: trace, netlist: netlist,
            seconds: ["spice": spiceSeconds, "analytic": analyticSeconds])
        try AtomicFile.write(trace.csv(), to: path("trace.csv"))
        try AtomicFile.write(netlist, to: path("step.cir"))
        try AtomicFile.write(spice.deltaGCSV(), to: path("deltag.csv"))
        try AtomicFile.write(try SnakeCaseJSON.encode(data), to: path("data.json"))
        try AtomicFile.write(try DemoReport.html(data), to: path("report.html"))
        try StandardOutput.write(String(
            format: "SPICE engine: test accuracy %.1f %% (%.0f s); analytic engine: test accuracy %.1f %% (%.1f s)",
            100 * (1 - spiceHistory.last!.testError), spiceSeconds, 100 * (1 - analyticHistory.last!.testError), analyticSeconds))
        try StandardOutput.write("report: \(path("report.html"))")
    }

    /// The calibration file for `circuit`: `--calibration`, nil when the shipped one fits, or
    /// one made now in ngspice (written as `calibration.json` into the output folder).
    private func calibrationPath(for circuit: CrossbarCircuit, in path: (String) -> String) throws -> String? {
        if let calibration { return calibration }
        guard (try? PulseResponseCalibration.shipped().requireMatch(circuit)) == nil else { return nil }
        FileHandle.standardError.write(Data(
            "demo: the shipped calibration is for the default device and pulses; calibrating these in ngspice first\n".utf8))
        let made = try SpiceCalibrator(circuit: circuit).calibrate(with: SpiceEngine(circuit: circuit))
        try AtomicFile.write(try made.json(), to: path("calibration.json"))
        FileHandle.standardError.write(Data(String(
            format: "demo: wrote %@ (fit error rms %.3g, max %.3g of the state range)\n", path("calibration.json"),
            made.fit.rmsStateError, made.fit.maxStateError).utf8))
        return path("calibration.json")
    }

    private func report(_ stage: String, _ record: BackpropEpoch, of total: Int, eta: Double) {
        FileHandle.standardError.write(Data("\(stage): \(Progress.epochLine(record, of: total, eta: eta))".utf8))
    }
}
