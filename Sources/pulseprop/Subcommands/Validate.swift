import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop validate`: the same random step in SPICE and in the analytic engine.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the analytic engine with SPICE on a random learning step (or sweep wire resistance and size).",
        discussion: """
            With --sweep-sizes and --sweep-resistances it plans the wire-sweep study into --output \
            (default out/validate), runs it (--jobs at a time; again to resume) and writes wire-sweep.csv, \
            wire-sweep.md and wire-sweep.svg there: the same as 'sweep plan wire-sweep' + 'sweep run' + \
            'sweep collect'.
            """)

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions
    @OptionGroup var memory: MemoryOptions

    @Option(help: "Calibration file (default: the shipped one for the default device).")
    var calibration: String?

    @Option(help: "Cycle-to-cycle noise sigma (as train --c2c), drawn alike in both engines from --seed (0: none).")
    var c2c: Double = 0

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    @OptionGroup var sweep: WireSweepStudyOptions

    @Option(help: "Folder for the wire-sweep plan and files.")
    var output: String = "out/validate"

    @Option(help: "Wire-sweep runs at once.")
    var jobs: Int = 1

    func run() throws {
        guard format != .csv else { throw ValidationError("--format takes table or json") }
        let circuit = try circuitOptions.circuit()
        let analytic = try AnalyticEngine(
            circuit: circuit, calibration: PulseResponseCalibration.resolve(path: calibration, for: circuit))
        if sweep.sweepSizes != nil || sweep.sweepResistances != nil {
            try runSweep()
            return
        }
        let cost = try step.cost()
        try cost.checkSpice(memory.budget())
        try cost.checkAnalytic(memory.budget(), grid: analytic.calibration.states.count)
        try require(c2c >= 0 && c2c.isFinite, "c2c", "must be a finite value ≥ 0, got \(c2c)")
        let inputs = try step.inputs()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        let spice = try spiceModelOptions.engine(circuit)
        if c2c > 0 {
            try circuit.requireThresholdFamily(for: "cycle-to-cycle noise")
            spice.cycleNoise = CycleToCycleNoise(sigma: c2c, seed: step.seed)
            analytic.cycleNoise = CycleToCycleNoise(sigma: c2c, seed: step.seed)
        }
        let comparison = try EngineComparison(step: learningStep, states: inputs.states, spice: spice, analytic: analytic)
        try StandardOutput.write(format == .json ? try comparison.json() : comparison.table(), terminator: format == .json ? "\n" : "")
    }

    /// The wire-sweep study with this command's step, circuit and calibration options.
    private func runSweep() throws {
        _ = try step.encoding()
        var arguments = ["--x-max=\(step.xMax)", "--delta-min=\(step.deltaMin)", "--delta-max=\(step.deltaMax)"]
        arguments += circuitOptions.argumentsExceptWires + spiceModelOptions.arguments
        if let calibration { arguments.append("--calibration=" + URL(fileURLWithPath: calibration).standardizedFileURL.path) }
        let folder = SweepFolder(output)
        try WireSweepStudy.plan(sweep.study(levels: step.levels, seed: step.seed, validateArguments: arguments), into: folder)
        try SweepCLI.runAndCollect(folder, jobs: jobs)
    }
}
