import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop validate`: the same random step in SPICE and in the analytic engine.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the analytic engine with SPICE on a random learning step (or sweep wire resistance and size).",
        discussion: """
            With --wire-resistance or --driver-resistance it compares the wire-aware analytic engine (its calibration \
            needs an amplitude axis) and reports the wire-free one beside it, and compares the wired read of the same \
            states with SPICE's (read_error_fraction).

            SPICE integrates at --reltol 1e-7 here unless told otherwise (ngspice's default, 1e-3, leaves states \
            up to about 1e-3 of the range from the converged solution, which decides the direction of devices \
            that move less than that). --device-changes writes every device's change in each engine as CSV.

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

    @Option(help: "CSV file for every device's change in each engine (row, col, coincidences, initial state, dG from SPICE, the analytic engine and the wire-free one, fractions of the range).")
    var deviceChanges: String?

    @OptionGroup var sweep: WireSweepStudyOptions

    @Option(help: "Folder for the wire-sweep plan and files.")
    var output: String = "out/validate"

    @Option(help: "Wire-sweep runs at once.")
    var jobs: Int = 1

    func run() throws {
        guard format != .csv else { throw ValidationError("--format takes table or json") }
        let circuit = try circuitOptions.circuit()
        var hardware = CrossbarHardware(circuit: circuit, calibrationPath: calibration)
        hardware.measureEnergy = false
        let wireFree = try hardware.analyticEngine()
        if sweep.sweepSizes != nil || sweep.sweepResistances != nil {
            guard deviceChanges == nil else { throw ParameterError("device-changes", "writes one step's devices; it does not go with --sweep-sizes or --sweep-resistances") }
            try runSweep()
            return
        }
        try circuit.tiling.validate(layerRows: step.rows, layerCols: step.cols)
        let cost = try step.cost()
        try cost.checkSpice(memory.budget())
        try cost.checkAnalytic(memory.budget(), grid: wireFree.calibration.states.count)
        try require(c2c >= 0 && c2c.isFinite, "c2c", "must be a finite value ≥ 0, got \(c2c)")
        let inputs = try step.inputs()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        // With wires the wire-aware engine is compared, the wire-free one reported beside it.
        let wired = circuit.wiring.isIdeal ? nil : try hardware.analyticWriteEngine()
        let spice = try spiceModelOptions.engine(circuit, defaultRelativeTolerance: EngineComparison.referenceRelativeTolerance)
        if c2c > 0 {
            try circuit.requireThresholdFamily(for: "cycle-to-cycle noise")
            for engine in [spice, wireFree, wired] as [CrossbarEngine?] {
                engine?.cycleNoise = CycleToCycleNoise(sigma: c2c, seed: step.seed)
            }
        }
        let runs = try StepRuns(
            step: learningStep, states: inputs.states, spice: spice, analytic: wired ?? wireFree, wireFree: wired == nil ? nil : wireFree)
        var comparison = EngineComparison(runs)
        if wired != nil {
            // The forward signal of the same step, read at up to the read voltage.
            let scale = hardware.readVoltage / max(step.xMax, .leastNormalMagnitude)
            comparison.readErrorFraction = try EngineComparison.readErrorFraction(
                states: inputs.states, voltages: [inputs.x.map { min(max($0 * scale, -hardware.readVoltage), hardware.readVoltage) }],
                spice: SpiceReader(circuit: circuit, readVoltage: hardware.readVoltage, solver: spiceModelOptions.solver),
                model: WiredReader(circuit: circuit, readVoltage: hardware.readVoltage))
        }
        try StandardOutput.write(format == .json ? try comparison.json() : comparison.table(), terminator: format == .json ? "\n" : "")
        // After the summary, so a file that cannot be written loses nothing else.
        if let deviceChanges { try AtomicFile.write(try runs.deviceTable(), to: deviceChanges) }
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
