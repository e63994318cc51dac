import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop bench spice`: seconds per learning step through libngspice, through the
/// ngspice program, and with parallel instances.
struct BenchSpice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spice",
        abstract: "Seconds per crossbar learning step: shared library vs ngspice program vs parallel instances.")

    @Option(help: "Comma-separated square crossbar sizes.")
    var sizes: String = "4,8,16,32"

    @Option(help: "Pulse levels.")
    var levels: Int = 20

    @Option(help: "Steps measured per size and path (different random inputs each).")
    var steps: Int = 4

    @Option(help: "Parallel ngspice instances for the parallel measurement.")
    var instances: Int = 2

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    func run() throws {
        let sizeList = try sizes.split(separator: ",").map { text -> Int in
            guard let n = Int(text), n >= 1 else { throw ParameterError("sizes", "'\(text)' is not a size ≥ 1") }
            return n
        }
        try require(steps >= 1, "steps", "must be ≥ 1")
        let encoding = PulseEncoding(levels: levels)
        try encoding.validate()
        let circuit = CrossbarCircuit()
        let engine = try SpiceEngine(circuit: circuit)
        let pool = try SpiceEnginePool(circuit: circuit, instances: instances)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pulseprop-bench-\(getpid())")
        var rows: [SpiceBenchmarkRow] = []
        print("size  levels  library s/step  program s/step  speed-up  \(instances) instances s/step")
        for n in sizeList {
            let jobs = try (0..<steps).map { k -> (step: LearningStep, states: Matrix<Double>) in
                let inputs = try StepInputs.random(rows: n, cols: n, seed: UInt64(1000 * n + k), encoding: encoding)
                return (try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding), inputs.states)
            }
            let library = try measure { for job in jobs { _ = try engine.run(job.step, from: job.states) } } / Double(steps)
            let program = try measure {
                for (k, job) in jobs.enumerated() {
                    let path = folder.appendingPathComponent("step-\(n)-\(k).cir").path
                    try AtomicFile.write(try engine.netlist(for: job.step, from: job.states).text, to: path)
                    _ = try NgspiceProgram.finalStates(netlistAt: path, codeModel: engine.codeModel)
                }
            } / Double(steps)
            let parallel = try measure { _ = try pool.run(jobs) } / Double(steps)
            let row = SpiceBenchmarkRow(
                size: n, levels: levels, librarySeconds: library, programSeconds: program, parallelSeconds: parallel,
                instances: instances)
            rows.append(row)
            print(
                String(
                    format: "%4d  %6d  %14.4f  %14.4f  %7.2fx  %18.4f", n, levels, library, program, program / library,
                    parallel))
        }
        try? FileManager.default.removeItem(at: folder)
        if let json {
            try AtomicFile.write(try SnakeCaseJSON.encode(rows), to: json)
        }
    }

    private func measure(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now()
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// One line of the SPICE benchmark.
struct SpiceBenchmarkRow: Codable {
    let size: Int
    let levels: Int
    let librarySeconds: Double
    let programSeconds: Double
    let parallelSeconds: Double
    let instances: Int
}
