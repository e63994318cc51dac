import Foundation
import PulseProp

/// `bench spice --wires R,…`: seconds per wired learning step through the shared library for the
/// compiled model on the fast solver (OSDI with KLU on ngspice ≥ 42) against the portable form
/// on ngspice's own solver (B-source with Sparse 1.3), both measured in the same run on the same
/// steps; with the largest final-state difference between the two, and the process's peak
/// resident memory after each size.
struct WiredSpiceBenchmark {
    let sizes: [Int]
    let resistances: [Double]
    let levels: Int
    let steps: Int
    /// Largest size at which the B-source/Sparse baseline runs (it is slow).
    let baselineLimit: Int

    func run() throws -> [WiredSpiceRow] {
        let encoding = PulseEncoding(levels: levels)
        print("\nwired learning steps, \(levels) levels, driver 100 Ω, seconds per step through the library (\(Host.cpu))")
        print("size   Ω/segment   compiled+fast   B-source+sparse   speed-up   max |dx|   peak RSS MiB")
        var rows: [WiredSpiceRow] = []
        for n in sizes {
            for ohms in resistances {
                let circuit = CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: ohms, driverResistance: 100))
                let jobs = try (0..<steps).map { k -> (step: LearningStep, states: Matrix<Double>) in
                    let inputs = try StepInputs.random(rows: n, cols: n, seed: UInt64(7000 * n + k), encoding: encoding)
                    return (try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding), inputs.states)
                }
                let fast = try SpiceEngine(circuit: circuit, model: .compiled, solver: .auto)
                var fastStates: [Matrix<Double>] = []
                let fastSeconds = try Self.measure {
                    fastStates = try jobs.map { try fast.run($0.step, from: $0.states).finalState }
                } / Double(steps)
                var baselineSeconds: Double?
                var deviation: Double?
                if n <= baselineLimit {
                    let portable = try SpiceEngine(circuit: circuit, model: .behavioral, solver: .sparse)
                    var states: [Matrix<Double>] = []
                    baselineSeconds = try Self.measure {
                        states = try jobs.map { try portable.run($0.step, from: $0.states).finalState }
                    } / Double(steps)
                    deviation = zip(states, fastStates).flatMap { zip($0.elements, $1.elements).map { abs($0 - $1) } }.max()
                }
                let row = WiredSpiceRow(
                    size: n, segmentResistance: ohms, compiled: fast.compiledModel?.kind ?? "behavioral",
                    solver: fast.solver.rawValue, seconds: fastSeconds, baselineSeconds: baselineSeconds,
                    maxStateDifference: deviation, peakResidentMebibytes: Host.peakResidentMebibytes)
                rows.append(row)
                print(
                    String(format: "%4d", n) + cell(ohms, "%.1f", 12) + cell(fastSeconds, "%.3f", 16)
                        + cell(baselineSeconds, "%.3f", 18) + cell(baselineSeconds.map { $0 / fastSeconds }, "%.2fx", 11)
                        + cell(deviation, "%.1e", 11) + cell(row.peakResidentMebibytes, "%.0f", 15))
            }
        }
        return rows
    }

    static func measure(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now()
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}

/// One size and wire resistance of the wired benchmark.
struct WiredSpiceRow: Codable {
    let size: Int
    let segmentResistance: Double
    /// The compiled form used (`osdi`, `xspice`, or `behavioral` when none could be had).
    let compiled: String
    /// The solver the fast path used (`klu` where the library has it).
    let solver: String
    let seconds: Double
    /// B-source on Sparse 1.3 (nil above the baseline limit).
    let baselineSeconds: Double?
    let maxStateDifference: Double?
    let peakResidentMebibytes: Double
}

/// A right-aligned table cell of `width` characters: `value` in `format`, or `-` when nil.
func cell(_ value: Double?, _ format: String, _ width: Int) -> String {
    let text = value.map { String(format: format, $0) } ?? "-"
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

/// Facts of the machine a benchmark ran on.
enum Host {
    /// The processor's model name and whether it has AVX-512 (from /proc/cpuinfo).
    static var cpu: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let name = info.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        return name + (info.contains("avx512f") ? ", AVX-512" : ", no AVX-512") + ", \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    /// Peak resident memory of this process so far (VmHWM), MiB.
    static var peakResidentMebibytes: Double {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }
}
