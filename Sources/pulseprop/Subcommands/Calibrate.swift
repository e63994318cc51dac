import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop calibrate`: per-pulse response tables from ngspice sweeps or measured data.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the device's per-pulse response in ngspice (or import measurements) for the analytic engine.")

    @OptionGroup var circuitOptions: CircuitOptions
    @OptionGroup var spiceModelOptions: SpiceModelOptions
    @OptionGroup var memory: MemoryOptions

    @Option(help: "Pulses per simulated sequence (used to measure the fit error).")
    var levels: Int = 100

    @Option(help: "Grid states from 0 to 1.")
    var grid: Int = 101

    @Option(help: "Pulses per simulated sequence at each amplitude of the amplitude axis (used to measure each slice's fit error).")
    var amplitudePulses: Int = 10

    @Flag(help: "Tabulate the full amplitude only, without the amplitude axis (such a calibration is refused with wires).")
    var nominalOnly = false

    @Option(help: "Keep the full-amplitude tables of this calibration of the same device and pulses (e.g. a schema version 1 file) and measure only the amplitude axis.")
    var keepNominalFrom: String?

    @Option(help: "Simulators running the amplitude axis's sweeps in parallel.")
    var jobs: Int = 1

    @Option(help: "CSV of measured conductance vs pulse number (columns phase,pulse,conductance and optionally amplitude, volts across the device; pulse numbers rise within a sequence and may skip, e.g. every 10th pulse) instead of ngspice.")
    var fromMeasurements: String?

    @Option(name: .shortAndLong, help: "Calibration file to write (JSON).")
    var output: String

    func run() throws {
        let calibration: PulseResponseCalibration
        if let fromMeasurements {
            try require(
                keepNominalFrom == nil, "keep-nominal-from",
                "keeps ngspice's full-amplitude tables; --from-measurements makes all of them from the CSV")
            calibration = try MeasuredResponseImporter(gridStates: grid).calibration(csvPath: fromMeasurements)
        } else {
            let circuit = try circuitOptions.circuit()
            try require(grid >= 2, "grid", "must be ≥ 2 states, got \(grid)")
            try require(levels >= 1, "levels", "must be ≥ 1 pulse, got \(levels)")
            try StepCost(rows: grid, cols: 2, slots: levels).checkSpice(memory.budget(), sizeOption: "grid")
            try require(jobs >= 1, "jobs", "must be ≥ 1 simulator, got \(jobs)")
            try require(
                keepNominalFrom == nil || !nominalOnly, "keep-nominal-from",
                "keeps the full-amplitude tables to add the amplitude axis; --nominal-only adds none")
            let base = try keepNominalFrom.map(PulseResponseCalibration.load(path:))
            let calibrator = try SpiceCalibrator(circuit: circuit, gridStates: grid, pulses: levels, amplitudePulses: amplitudePulses)
            let engines = try (0..<(nominalOnly ? 1 : jobs)).map { _ in try spiceModelOptions.engine(circuit) }
            if let base {
                calibration = try calibrator.withAmplitudeAxis(base, with: engines)
            } else {
                calibration = nominalOnly ? try calibrator.nominal(with: engines[0]) : try calibrator.calibrate(with: engines)
            }
        }
        try AtomicFile.write(try calibration.json(), to: output)
        let summary = String(
            format: "wrote %@ (%@, %d grid states); fit error: rms %.3g, max %.3g of the state range over %d samples\n",
            output, calibration.origin, calibration.states.count, calibration.fit.rmsStateError,
            calibration.fit.maxStateError, calibration.fit.samples) + (calibration.amplitudeAxis.map(AmplitudeAxisSummary.text) ?? "")
        // With the calibration on standard output, the summary goes to standard error.
        if AtomicFile.isStandardOutput(output) {
            FileHandle.standardError.write(Data(summary.utf8))
        } else {
            try StandardOutput.write(summary, terminator: "")
        }
    }
}
