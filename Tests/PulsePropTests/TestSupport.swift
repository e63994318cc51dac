import Foundation
import XCTest

@testable import PulseProp

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `pulseprop` executable built beside the test bundle.
    static let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent().appendingPathComponent("pulseprop")

    /// The `pulseprop-bench` executable built beside the test bundle.
    static let benchExecutable = executable.deletingLastPathComponent().appendingPathComponent("pulseprop-bench")

    /// Checks that `engine` follows the closed-form solution of the device equation (α = 1)
    /// within 5 % of each move: 1, 3 and 6 SET and RESET pulses from x = 0.4.
    static func assertFollowsClosedForm(_ engine: SpiceEngine, file: StaticString = #filePath, line: UInt = #line) throws {
        let shape = engine.circuit.shape
        let device = try ThresholdMemristor(engine.circuit.device)
        let ks = [1, 3, 6]
        let x0 = 0.4
        let result = try engine.run(step(rows: ks, cols: [-6, 6]), from: Matrix(rows: 3, cols: 2) { _, _ in x0 })
        for (i, k) in ks.enumerated() {
            let up = device.state(
                after: Double(k) * device.dose(amplitude: shape.setAmplitude, plateau: shape.plateau, edge: shape.edge),
                potentiating: true, from: x0)
            let down = device.state(
                after: Double(k) * device.dose(amplitude: -shape.resetAmplitude, plateau: shape.plateau, edge: shape.edge),
                potentiating: false, from: x0)
            XCTAssertEqual(result.finalState[i, 0] - x0, up - x0, accuracy: 0.05 * (up - x0), "SET k=\(k)", file: file, line: line)
            XCTAssertEqual(result.finalState[i, 1] - x0, down - x0, accuracy: 0.05 * (x0 - down), "RESET k=\(k)", file: file, line: line)
        }
    }

    /// The compiled model a `--spice-model compiled` engine loads on this machine.
    static func compiledModel() throws -> CompiledDeviceModel {
        try XCTUnwrap(SpiceEngine(circuit: CrossbarCircuit(), model: .compiled).compiledModel)
    }

    /// A fresh temporary folder, inside this test process's own folder, which is removed when
    /// the test bundle finishes (so that runs leave nothing in the system's temporary folder).
    static func temporaryDirectory() throws -> URL {
        let url = processFolder.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder that holds this process's temporary folders, made and registered for
    /// removal on first use.
    private static let processFolder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pulseprop-tests-\(UUID().uuidString)")
        XCTestObservationCenter.shared.addTestObserver(FolderRemover(folder: url))
        return url
    }()

    /// Runs `pulseprop` with `arguments` (in `directory`, default this process's folder; standard
    /// output into the file `standardOutput` when given); returns its exit status, stdout and stderr.
    static func runCLI(
        _ arguments: [String], in directory: URL? = nil, standardOutput: String? = nil, program: URL = executable,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let run = try ChildProcess.run(program, arguments, in: directory, standardOutput: standardOutput, file: file, line: line)
        return (run.status, run.stdout, run.stderr)
    }

    /// Resident memory of this process in kilobytes (from /proc/self/status).
    static func residentKilobytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Writes measured curves (`phase,pulse,conductance`) of 21 pulses per phase over the
    /// default device's range into `dir/m.csv`: potentiation rises as `1 − 0.9^k` of the
    /// range, depression falls as `0.9^k` (unless `wrongWay`, where potentiation falls too).
    static func measuredCurves(in dir: URL, wrongWay: Bool = false) throws -> String {
        var lines = ["phase,pulse,conductance"]
        for k in 0...20 { lines.append("potentiation,\(k),\(1e-5 + 9e-5 * (wrongWay ? pow(0.9, Double(k)) : 1 - pow(0.9, Double(k))))") }
        for k in 0...20 { lines.append("depression,\(k),\(1e-5 + 9e-5 * pow(0.9, Double(k)))") }
        let csv = dir.appendingPathComponent("m.csv").path
        try lines.joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        return csv
    }

    /// A step with the given counts whose phase length fits them.
    /// One example `inputs` (`rows` values) through layer 0 of `readout` with `weights`
    /// (`rows × cols`): the `cols` outputs and the read's statistics.
    static func readOnce(
        _ readout: CircuitReadout, inputs: [Float], weights: [Float], rows: Int, cols: Int
    ) throws -> ([Float], CircuitEpochStats) {
        var out = [Float](repeating: 0, count: cols)
        try inputs.withUnsafeBufferPointer { x in
            try out.withUnsafeMutableBufferPointer { z in
                try readout.multiply(
                    layer: 0, inputs: x.baseAddress!, inputStride: rows, count: 1, weights: weights, rows: rows, cols: cols,
                    output: z.baseAddress!, outputStride: cols)
            }
        }
        var stats = CircuitEpochStats()
        readout.take(into: &stats)
        return (out, stats)
    }

    static func step(rows: [Int], cols: [Int]) throws -> LearningStep {
        try LearningStep(rowCounts: rows, columnCounts: cols, slotsPerPhase: max(rows.max()!, cols.map(abs).max()!, 1))
    }
}

extension WeightUpdater {
    /// Backpropagation's update of both layers of `network` from the given errors.
    func update(
        _ network: inout Network, buffers: ForwardBuffers, outputDelta: [Float], hiddenDelta: [Float], count: Int,
        rate: Float
    ) throws {
        let signals = Backpropagation.signals(network, buffers: buffers, outputDelta: outputDelta, hiddenDelta: hiddenDelta)
        try update(&network.layers, signals: signals, count: count, rate: rate)
    }
}

/// Removes a folder when the test bundle has finished.
private final class FolderRemover: NSObject, XCTestObservation {
    let folder: URL
    init(folder: URL) { self.folder = folder }
    func testBundleDidFinish(_ testBundle: Bundle) { try? FileManager.default.removeItem(at: folder) }
}
