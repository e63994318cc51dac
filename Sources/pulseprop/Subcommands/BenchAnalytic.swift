import ArgumentParser
import Foundation
import PulseProp

/// `pulseprop bench analytic`: one learning step of an MNIST-sized crossbar in the analytic
/// engine, against one 16×16 SPICE step.
struct BenchAnalytic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytic", abstract: "Milliseconds per analytic step of a large crossbar, and the ratio to a 16x16 SPICE step.")

    @Option(help: "Crossbar rows.")
    var rows: Int = 784

    @Option(help: "Crossbar columns.")
    var cols: Int = 110

    @Option(help: "Pulse levels.")
    var levels: Int = 20

    @Option(help: "Analytic steps timed (different random inputs).")
    var steps: Int = 200

    func run() throws {
        let circuit = CrossbarCircuit()
        let engine = try AnalyticEngine(circuit: circuit, calibration: PulseResponseCalibration.shipped())
        let encoding = PulseEncoding(levels: levels)
        let inputs = try (0..<8).map { try StepInputs.random(rows: rows, cols: cols, seed: UInt64($0), encoding: encoding) }
        let steps = try inputs.map { try LearningStep(x: $0.x, delta: $0.delta, encoding: encoding) }
        var states = inputs[0].states.elements
        let start = DispatchTime.now().uptimeNanoseconds
        states.withUnsafeMutableBufferPointer { buffer in
            for k in 0..<self.steps {
                engine.apply(steps[k % 8], to: buffer)
            }
        }
        let analytic = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(self.steps)
        let small = try StepInputs.random(rows: 16, cols: 16, seed: 1, encoding: encoding)
        let smallStep = try LearningStep(x: small.x, delta: small.delta, encoding: encoding)
        let spice = try SpiceEngine(circuit: circuit)
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = try spice.run(smallStep, from: small.states)
        let spiceSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "analytic %dx%d step, %d levels: %.3f ms (mean of %d; states checksum %.6f)", rows, cols, levels, analytic * 1e3, self.steps, states.reduce(0, +) / Double(states.count)))
        print(String(format: "SPICE 16x16 step: %.3f s; one analytic %dx%d step is %.0fx faster while covering %.0fx the devices",
                     spiceSeconds, rows, cols, spiceSeconds / analytic, Double(rows * cols) / 256))
    }
}
