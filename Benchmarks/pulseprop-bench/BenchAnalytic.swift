import ArgumentParser
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop-bench analytic`: one learning step of an MNIST-sized crossbar in the analytic
/// engine, against one 16×16 SPICE step; then the wire-aware engine (``WiredAnalyticTiming``)
/// at `--wired-sizes`, each against the wire-free step and ideal product of the same run, and
/// the wired MNIST epoch's ratio estimated from the [784-110-10] layers' minibatch costs.
struct BenchAnalytic: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytic", abstract: "Milliseconds per analytic step of a large crossbar, and the ratio to a 16x16 SPICE step.")

    @OptionGroup var wiring: BenchWiringOptions

    @Option(help: "Crossbar rows.")
    var rows: Int = 784

    @Option(help: "Crossbar columns.")
    var cols: Int = 110

    @Option(help: "Pulse levels.")
    var levels: Int = 20

    @Option(help: "Analytic steps timed (different random inputs).")
    var steps: Int = 200

    @Option(help: "Wired crossbar sizes to time (RxC, comma-separated; empty for none).")
    var wiredSizes = "785x110,256x110,128x128"

    @Option(help: "Repetitions of each wired timing (the mean is reported).")
    var wiredRepeats = 3

    @Flag(help: "Also time the wired read as it was done before (refactor + one sparse solve per example; slow).")
    var previousRead = false

    @Flag(help: "Skip the wired MNIST epoch estimate (the [785x110, 111x10] layers).")
    var noEpochEstimate = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let circuit = CrossbarCircuit()
        let engine = try AnalyticEngine(circuit: circuit, calibration: PulseResponseCalibration.shipped())
        try require(rows >= 1, "rows", "must be ≥ 1, got \(rows)")
        try require(cols >= 1, "cols", "must be ≥ 1, got \(cols)")
        try require(steps >= 1, "steps", "must be ≥ 1, got \(steps)")
        let encoding = PulseEncoding(levels: levels)
        try encoding.validate()
        // Eight random steps' inputs (states, signals) are held at once beside the tables.
        let cost = StepCost(rows: rows, cols: cols, slots: encoding.maxCount)
        try memory.budget().check(
            cost.analyticBytes(grid: engine.calibration.states.count) + 8 * 2 * 8 * Double(rows) * Double(cols),
            option: cost.dominantOption(), request: "timing \(cost.request)")
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
        let lookup = try Self.amplitudeLookup(devices: rows * cols, slots: 2 * encoding.maxCount)
        let small = try StepInputs.random(rows: 16, cols: 16, seed: 1, encoding: encoding)
        let smallStep = try LearningStep(x: small.x, delta: small.delta, encoding: encoding)
        let spice = try SpiceEngine(circuit: circuit)
        let t0 = DispatchTime.now().uptimeNanoseconds
        _ = try spice.run(smallStep, from: small.states)
        let spiceSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        print(String(format: "analytic %dx%d step, %d levels: %.3f ms (mean of %d; states checksum %.6f)", rows, cols, levels, analytic * 1e3, self.steps, states.reduce(0, +) / Double(states.count)))
        let lookups = Double(rows * cols * 2 * encoding.maxCount)
        print(String(format: "amplitude table (what a wired step asks of every device in every slot of both phases, %d x %d lookups): %.3f ms, %.1f ns per lookup; CPU %.3f ms, %.1f ns (checksum %.6f)",
                     rows * cols, 2 * encoding.maxCount, lookup.seconds * 1e3, lookup.seconds / lookups * 1e9,
                     lookup.cpuSeconds * 1e3, lookup.cpuSeconds / lookups * 1e9, lookup.checksum))
        print(String(format: "SPICE 16x16 step: %.3f s; one analytic %dx%d step is %.0fx faster while covering %.0fx the devices",
                     spiceSeconds, rows, cols, spiceSeconds / analytic, Double(rows * cols) / 256))
        try wired()
    }

    /// The wire-aware engine at `--wired-sizes` and the wired epoch estimate, on one BLAS thread.
    private func wired() throws {
        let sizes = try wiredSizes.split(separator: ",").map { text in
            let parts = text.split(separator: "x").compactMap { Int($0) }
            try require(parts.count == 2 && parts.allSatisfy { $0 >= 1 }, "wired-sizes", "sizes are RxC with R, C ≥ 1, got \(text)")
            return (parts[0], parts[1])
        }
        let epochLayers = noEpochEstimate ? [] : [(785, 110), (111, 10)]
        guard !(sizes.isEmpty && epochLayers.isEmpty) else { return }
        try require(wiring.batch >= 1 && wiredRepeats >= 1, "batch", "batch and wired-repeats must be ≥ 1")
        let largest = (sizes + epochLayers).map { $0.0 * ($0.1 + 1) }.max()!
        try memory.budget().check(
            CrossbarNetwork.estimatedBytes(rows: largest, cols: 1) * 2, option: "wired-sizes", request: "wired crossbars of \(largest) devices")
        let circuit = wiring.circuit
        let timing = WiredAnalyticTiming(
            circuit: circuit, calibration: try PulseResponseCalibration.resolve(path: nil, for: circuit, needsAmplitudeAxis: true),
            levels: levels, batch: wiring.batch, repeats: wiredRepeats)
        Kernels.setBLASThreads(1)
        print("wired, one BLAS thread, \(wiring.label) (\(Host.cpu)):")
        var costs: [[Int]: WiredAnalyticTiming.Costs] = [:]
        for (r, c) in sizes + epochLayers where costs[[r, c]] == nil {
            costs[[r, c]] = try timing.run(rows: r, cols: c, previousRead: previousRead)
        }
        guard !epochLayers.isEmpty else { return }
        let layers = epochLayers.map { costs[[$0.0, $0.1]]! }
        let (ideal, wired) = (layers.reduce(0) { $0 + $1.ideal }, layers.reduce(0) { $0 + $1.wired })
        print(String(
            format: "wired MNIST epoch estimate ([784-110-10], %d-example minibatches, read and step of both layers): %.2f s against %.2f ms a minibatch wire-free, %.0fx (costs common to both, the backward pass and data, make the real ratio smaller)",
            wiring.batch, wired, ideal * 1e3, wired / ideal))
    }

    /// Seconds for `devices × slots` one-pulse lookups in the shipped calibration's two-axis
    /// table at amplitudes between the half-selected one and 10 % over the nominal one (the
    /// polarity alternating by phase), the thread's CPU seconds (on a shared machine the wall
    /// clock counts other programs' time too), and a checksum of the states reached.
    static func amplitudeLookup(devices: Int, slots: Int) throws -> (seconds: Double, cpuSeconds: Double, checksum: Double) {
        let table = AmplitudeResponseTable(try PulseResponseCalibration.shipped())
        var generator = SeededGenerator(seed: 5)
        var states = (0..<devices).map { _ in Double.random(in: 0...1, using: &generator) }
        let volts = (0..<devices).map { _ in Double.random(in: 0.9...1.98, using: &generator) }
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = cpu()
        for slot in 0..<slots {
            let kind: LearningPhase.Kind = slot < slots / 2 ? .potentiation : .depression
            for d in 0..<devices { states[d] = table.state(afterPulseOf: kind, amplitude: volts[d], from: states[d]) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return (seconds, cpu() - cpuStart, states.reduce(0, +) / Double(devices))
    }
}
