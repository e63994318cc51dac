import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop-bench spice`: seconds per learning step through the naive flow (a textbook
/// B-source netlist in `ngspice -b`), the shared library with the B-source and the compiled
/// memristor, the ngspice program, and parallel instances; with `--levers`, the time-point
/// levers on one size.
struct BenchSpice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spice",
        abstract: "Seconds per crossbar learning step: naive flow vs shared library (B-source, compiled) vs parallel instances.")

    @Option(help: "Comma-separated square crossbar sizes.")
    var sizes: String = "4,8,16,32"

    @Option(help: "Pulse levels.")
    var levels: Int = 20

    @Option(help: "Steps measured per size and path (different random inputs each).")
    var steps: Int = 4

    @Option(help: "Parallel ngspice instances for the parallel measurement.")
    var instances: Int = 2

    @Option(help: "Largest size at which the naive flow and the B-source library path are run (they are slow).")
    var baselineLimit: Int = 32

    @Flag(help: "Also measure the time-point levers (max step, method, tolerances, reuse bound) at --lever-size.")
    var levers = false

    @Option(help: "Crossbar size for --levers.")
    var leverSize: Int = 16

    @Option(help: "Comma-separated wire segment resistances, Ω: also measure wired steps at --wired-sizes (compiled model on KLU vs B-source on Sparse 1.3).")
    var wires: String?

    @Option(help: "Comma-separated square sizes of the wired measurement.")
    var wiredSizes: String = "16,32,64,128"

    @Option(help: "Largest size at which the wired B-source/Sparse baseline runs.")
    var wiredBaselineLimit: Int = 64

    @Option(help: "Steps per wired size and resistance.")
    var wiredSteps: Int = 2

    @Flag(help: "Only the wired measurement (with --wires).")
    var wiredOnly = false

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @OptionGroup var memory: MemoryOptions

    /// A comma-separated list of `option` values, each checked by `valid`.
    private func list<T: LosslessStringConvertible>(_ text: String, _ option: String, _ valid: (T) -> Bool) throws -> [T] {
        try text.split(separator: ",").map { item -> T in
            guard let value = T(String(item)), valid(value) else {
                throw ParameterError(option, "'\(item)' is not a valid value")
            }
            return value
        }
    }

    func run() throws {
        let sizeList: [Int] = wiredOnly ? [] : try list(sizes, "sizes") { $0 >= 1 }
        try require(steps >= 1, "steps", "must be ≥ 1")
        let encoding = PulseEncoding(levels: levels)
        try encoding.validate()
        try require(instances >= 1, "instances", "must be ≥ 1, got \(instances)")
        try require(wires != nil || !wiredOnly, "wired-only", "needs --wires")
        try require(wiredSteps >= 1, "wired-steps", "must be ≥ 1")
        let wiredSizeList: [Int] = wires == nil ? [] : try list(wiredSizes, "wired-sizes") { $0 >= 1 }
        let resistances: [Double] = try wires.map { try list($0, "wires") { $0 >= 0 && $0.isFinite } } ?? []
        for n in sizeList + wiredSizeList { try StepCost(rows: n, cols: n, slots: encoding.maxCount).checkSpice(memory.budget()) }
        print("CPU: \(Host.cpu)")
        var rows: [SpiceBenchmarkRow] = []
        var leverRows: [SpiceLeverRow] = []
        if !sizeList.isEmpty {
            (rows, leverRows) = try measureSizes(sizeList, encoding: encoding)
        }
        let wiredRows = try WiredSpiceBenchmark(
            sizes: wiredSizeList, resistances: resistances, levels: levels, steps: wiredSteps,
            baselineLimit: wiredBaselineLimit
        ).run()
        if let json {
            try AtomicFile.write(
                try SnakeCaseJSON.encode(SpiceBenchmark(cpu: Host.cpu, sizes: rows, levers: leverRows, wired: wiredRows)), to: json)
        }
    }

    private func measureSizes(_ sizeList: [Int], encoding: PulseEncoding) throws -> ([SpiceBenchmarkRow], [SpiceLeverRow]) {
        let circuit = CrossbarCircuit()
        let compiled = try SpiceEngine(circuit: circuit, model: .compiled)
        let behavioral = try SpiceEngine(circuit: circuit, model: .behavioral)
        let pool = try SpiceEnginePool(circuit: circuit, instances: instances, model: .compiled)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pulseprop-bench-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let naive = NaiveSpiceFlow(folder: folder)
        var rows: [SpiceBenchmarkRow] = []
        print("seconds per learning step, \(levels) levels (naive: textbook B-source netlist, 10 ns edges, ngspice -b, ASCII raw file)")
        print("size      naive  B-source lib  compiled lib  compiled prog  \(instances)x parallel  lib/compiled  naive/compiled  max |dx| naive")
        for n in sizeList {
            let jobs = try (0..<steps).map { k -> (step: LearningStep, states: Matrix<Double>) in
                let inputs = try StepInputs.random(rows: n, cols: n, seed: UInt64(1000 * n + k), encoding: encoding)
                return (try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding), inputs.states)
            }
            var compiledStates: [Matrix<Double>] = []
            let compiledSeconds = try measure {
                compiledStates = try jobs.map { try compiled.run($0.step, from: $0.states).finalState }
            } / Double(steps)
            let program = try measure {
                for (k, job) in jobs.enumerated() {
                    let path = folder.appendingPathComponent("step-\(n)-\(k).cir").path
                    try AtomicFile.write(try compiled.netlist(for: job.step, from: job.states).text, to: path)
                    _ = try NgspiceProgram.finalStates(netlistAt: path, compiledModel: compiled.compiledModel)
                }
            } / Double(steps)
            let parallel = try measure { _ = try pool.run(jobs) } / Double(steps)
            var behavioralSeconds: Double?
            var naiveSeconds: Double?
            var naiveDeviation: Double?
            if n <= baselineLimit {
                behavioralSeconds = try measure { for job in jobs { _ = try behavioral.run(job.step, from: job.states) } } / Double(steps)
                var naiveStates: [Matrix<Double>] = []
                naiveSeconds = try measure {
                    naiveStates = try jobs.enumerated().map { k, job in
                        try naive.run(job.step, from: job.states, device: circuit.device.switching, shape: circuit.shape, name: "naive-\(n)-\(k)")
                    }
                } / Double(steps)
                naiveDeviation = zip(naiveStates, compiledStates).flatMap { zip($0.elements, $1.elements).map { abs($0 - $1) } }.max()
            }
            let row = SpiceBenchmarkRow(
                size: n, levels: levels, naiveSeconds: naiveSeconds, behavioralSeconds: behavioralSeconds,
                compiledSeconds: compiledSeconds, compiledProgramSeconds: program, parallelSeconds: parallel,
                instances: instances, naiveMaxStateDifference: naiveDeviation)
            rows.append(row)
            print(
                String(format: "%4d", n) + cell(naiveSeconds, "%.4f", 11) + cell(behavioralSeconds, "%.4f", 14)
                    + cell(compiledSeconds, "%.4f", 14) + cell(program, "%.4f", 15) + cell(parallel, "%.4f", 13)
                    + cell(behavioralSeconds.map { $0 / compiledSeconds }, "%.2fx", 14)
                    + cell(naiveSeconds.map { $0 / compiledSeconds }, "%.2fx", 16) + cell(naiveDeviation, "%.1e", 16))
        }
        var leverRows: [SpiceLeverRow] = []
        if levers { leverRows = try measureLevers(engine: compiled, encoding: encoding) }
        return (rows, leverRows)
    }

    private func measureLevers(engine: SpiceEngine, encoding: PulseEncoding) throws -> [SpiceLeverRow] {
        let n = leverSize
        let texts = try (0..<steps).map { k -> String in
            let inputs = try StepInputs.random(rows: n, cols: n, seed: UInt64(1000 * n + k), encoding: encoding)
            let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
            return try engine.netlist(for: step, from: inputs.states).text
        }
        print("\nlevers at \(n)x\(n), \(levels) levels, compiled model (seconds per step; max |dx| vs as shipped)")
        var reference: [[String: Double]] = []
        var baseline = 0.0
        var rows: [SpiceLeverRow] = []
        for lever in SpiceLever.all {
            var states: [[String: Double]] = []
            let seconds = try measure { states = try texts.map { try SpiceLever.finalStates(of: lever.rewrite($0), in: engine) } } / Double(steps)
            if reference.isEmpty {
                reference = states
                baseline = seconds
            }
            let deviation = zip(states, reference).flatMap { a, b in b.map { abs((a[$0.key] ?? .nan) - $0.value) } }.max() ?? 0
            rows.append(SpiceLeverRow(lever: lever.name, seconds: seconds, speedUp: baseline / seconds, maxStateDifference: deviation))
            print(lever.name.padding(toLength: 52, withPad: " ", startingAt: 0)
                + String(format: " %8.4f s  %5.2fx  max |dx| %.1e", seconds, baseline / seconds, deviation))
        }
        let parse = try measure { for text in texts { try engine.load(rawNetlist: SpiceLever.parseOnly(text)) } } / Double(steps)
        rows.append(SpiceLeverRow(lever: "parse and set up only (bound on alter/reset reuse)", seconds: parse, speedUp: baseline / parse, maxStateDifference: 0))
        print("parse and set up only".padding(toLength: 52, withPad: " ", startingAt: 0)
                + String(format: " %8.4f s  (%.1f %% of a step: the most alter/reset reuse could save)", parse, 100 * parse / baseline))
        return rows
    }

    private func measure(_ body: () throws -> Void) throws -> Double { try WiredSpiceBenchmark.measure(body) }
}

/// The SPICE benchmark's JSON.
struct SpiceBenchmark: Codable {
    let cpu: String
    let sizes: [SpiceBenchmarkRow]
    let levers: [SpiceLeverRow]
    let wired: [WiredSpiceRow]
}

/// One size of the SPICE benchmark (nil: not run at this size).
struct SpiceBenchmarkRow: Codable {
    let size: Int
    let levels: Int
    let naiveSeconds: Double?
    let behavioralSeconds: Double?
    let compiledSeconds: Double
    let compiledProgramSeconds: Double
    let parallelSeconds: Double
    let instances: Int
    let naiveMaxStateDifference: Double?
}

/// One time-point lever.
struct SpiceLeverRow: Codable {
    let lever: String
    let seconds: Double
    let speedUp: Double
    let maxStateDifference: Double
}
