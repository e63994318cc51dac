import Foundation
import PulseProp

/// The wire-aware analytic engine's costs at one crossbar size against the wire-free ones
/// measured in the same run (`pulseprop-bench analytic --wired-sizes …`): a learning step
/// (both phases) and a minibatch read, each as a ratio, and their sum per minibatch. Times are
/// the thread's CPU seconds (one BLAS thread), so a shared machine inflates them less.
struct WiredAnalyticTiming {
    let circuit: CrossbarCircuit
    let calibration: PulseResponseCalibration
    let levels: Int
    let batch: Int
    let repeats: Int

    /// Seconds per minibatch of this size: wire-free (ideal product + analytic step) and wired.
    struct Costs {
        var ideal = 0.0
        var wired = 0.0
    }

    /// Times size `rows × cols`, printing one line; `previousRead` also times the read as it
    /// was before the line ends' Schur complement (refactor + one sparse solve per example).
    func run(rows: Int, cols: Int, previousRead: Bool) throws -> Costs {
        let encoding = PulseEncoding(levels: levels)
        let inputs = try (0..<4).map { try StepInputs.random(rows: rows, cols: cols, seed: UInt64(40 + $0), encoding: encoding) }
        let steps = try inputs.map { try LearningStep(x: $0.x, delta: $0.delta, encoding: encoding) }
        let wired = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
        var buffer = inputs[0].states.elements
        let plainStep = meanSeconds(20, cpu: true) { k in buffer.withUnsafeMutableBufferPointer { wired.wireFree.apply(steps[k % 4], to: $0) } }
        var states = inputs[0].states
        let firstStep = try meanSeconds(1, cpu: true) { _ in try wired.apply(steps[0], to: &states) }
        let wiredStep = try meanSeconds(repeats, cpu: true) { k in try wired.apply(steps[(k + 1) % 4], to: &states) }

        let sets = [1, 2].map { ReadMinibatch(rows: rows, cols: cols, batch: batch, seed: $0) }
        var out = [Float](repeating: 0, count: batch * cols)
        let idealRead = meanSeconds(50, cpu: true) { k in sets[k % 2].idealProduct(into: &out) }
        let mapping = WeightMapping(.reference, maxWeight: 4)
        let readout = try CircuitReadout(reader: WiredReader(circuit: circuit), mapping: mapping)
        // The first read analyses the pattern; then each read refactors (the weights alternate).
        let firstRead = try meanSeconds(1, cpu: true) { _ in try sets[0].read(through: readout, into: &out) }
        let wiredRead = try meanSeconds(repeats, cpu: true) { k in try sets[(k + 1) % 2].read(through: readout, into: &out) }
        var stats = CircuitEpochStats()
        readout.take(into: &stats)
        var line = String(
            format: "wired %dx%d (%d nodes): step (2 phases, %d levels) %.1f ms = %.0fx the wire-free step (%.2f ms), first step %.0f ms; "
                + "%d-example read %.1f ms = %.0fx the ideal product (%.3f ms), first read %.0f ms, read error against the ideal product %.4f",
            rows, cols, 2 * rows * cols, levels, wiredStep * 1e3, wiredStep / plainStep, plainStep * 1e3, firstStep * 1e3, batch,
            wiredRead * 1e3, wiredRead / idealRead, idealRead * 1e3, firstRead * 1e3, stats.readRelativeError)
        if previousRead { line += String(format: "; previous read (refactor + %d solves) %.1f ms", batch, try solvedRead(sets, rows: rows, cols: cols) * 1e3) }
        print(line)
        return Costs(ideal: plainStep + idealRead, wired: wiredStep + wiredRead)
    }

    /// The read as `WiredReader` did it before: a fill-reducing factor of the devices and the
    /// reference column, refactored for each set of states, and one sparse solve per example.
    private func solvedRead(_ sets: [ReadMinibatch], rows: Int, cols: Int) throws -> Double {
        let conductances = sets.map { set in
            let g = circuit.population(rows: rows, cols: cols).conductances(set.states)
            return Matrix(rows: rows, cols: cols + 1) { i, j in j == cols ? circuit.referenceConductance : g[i, j] }
        }
        let drives = sets.map { set in
            (0..<batch).map { b in LineDrive.read((0..<rows).map { 0.2 * Double(set.inputs[b * rows + $0]) }, columns: cols + 1) }
        }
        let network = try CrossbarNetwork(wiring: circuit.wiring, conductances: conductances[0])
        return try meanSeconds(repeats, cpu: true) { k in
            try network.update(conductances: conductances[(k + 1) % 2])
            _ = try network.columnCurrents(drives[(k + 1) % 2])
        }
    }
}
