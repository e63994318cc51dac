import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop validate`: the same random step in SPICE and in the analytic engine.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the analytic engine with SPICE on a random learning step (or sweep wire resistance and size).",
        discussion: """
            With --sweep-sizes and --sweep-resistances it runs every combination and writes \
            wire-sweep.csv, wire-sweep.md and wire-sweep.svg into --output (default out/validate).
            """)

    @OptionGroup var step: StepOptions
    @OptionGroup var circuitOptions: CircuitOptions

    @Option(help: "Calibration file (default: the shipped one for the default device).")
    var calibration: String?

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    @Option(help: "Comma-separated square sizes for a wire sweep.")
    var sweepSizes: String?

    @Option(help: "Comma-separated wire resistances (ohm per segment) for a wire sweep.")
    var sweepResistances: String?

    @Option(help: "Folder for the wire-sweep files.")
    var output: String = "out/validate"

    func run() throws {
        let circuit = try circuitOptions.circuit()
        let analytic = try AnalyticEngine(
            circuit: circuit, calibration: PulseResponseCalibration.resolve(path: calibration, for: circuit))
        if sweepSizes != nil || sweepResistances != nil {
            try sweep(circuit: circuit, analytic: analytic)
            return
        }
        let inputs = try step.inputs()
        let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
        let comparison = try EngineComparison(
            step: learningStep, states: inputs.states, spice: SpiceEngine(circuit: circuit), analytic: analytic)
        print(format == .json ? try comparison.json() : comparison.table(), terminator: format == .json ? "\n" : "")
    }

    private func sweep(circuit: CrossbarCircuit, analytic: AnalyticEngine) throws {
        let sizes = try list(sweepSizes ?? "4,8,16", name: "sweep-sizes").map(Int.init)
        let resistances = try list(sweepResistances ?? "0,1,2,5,10,20", name: "sweep-resistances")
        try require(sizes.allSatisfy { $0 >= 1 }, "sweep-sizes", "sizes must be ≥ 1")
        try require(resistances.allSatisfy { $0 >= 0 }, "sweep-resistances", "resistances must be ≥ 0")
        var rows: [EngineComparison] = []
        for n in sizes {
            let inputs = try StepInputs.random(rows: n, cols: n, seed: step.seed, encoding: step.encoding())
            let learningStep = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: step.encoding())
            for r in resistances {
                var wired = circuit
                wired.wiring.segmentResistance = r
                let row = try EngineComparison(
                    step: learningStep, states: inputs.states, spice: SpiceEngine(circuit: wired), analytic: analytic)
                rows.append(row)
                FileHandle.standardError.write(Data(String(
                    format: "%dx%d, %g ohm: rms %.3f %%, max %.3f %%, disturbed %d (%.1f s)\n", n, n, r,
                    100 * row.rmsErrorFraction, 100 * row.maxErrorFraction, row.disturbedDevices, row.spiceSeconds).utf8))
            }
        }
        try AtomicFile.write(WireSweepReport.csv(rows), to: "\(output)/wire-sweep.csv")
        try AtomicFile.write(WireSweepReport.markdown(rows), to: "\(output)/wire-sweep.md")
        try AtomicFile.write(WireSweepReport.plot(rows), to: "\(output)/wire-sweep.svg")
        print(WireSweepReport.markdown(rows), terminator: "")
        print("wrote \(output)/wire-sweep.csv, wire-sweep.md and wire-sweep.svg")
    }

    private func list(_ text: String, name: String) throws -> [Double] {
        try text.split(separator: ",").map {
            guard let v = Double($0.trimmingCharacters(in: .whitespaces)) else { throw ParameterError(name, "'\($0)' is not a number") }
            return v
        }
    }
}
