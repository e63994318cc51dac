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
        let before = wired.solverCounts!
        let wiredStep = try meanSeconds(repeats, cpu: true) { k in try wired.apply(steps[(k + 1) % 4], to: &states) }
        let after = wired.solverCounts!

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
        // One example at a time (a per-example training's forward read): the line solver.
        let singles = [3, 4].map { ReadMinibatch(rows: rows, cols: cols, batch: 1, seed: $0) }
        var one = [Float](repeating: 0, count: cols)
        let singleRead = try meanSeconds(repeats, cpu: true) { k in try singles[k % 2].read(through: readout, into: &one) }
        var line = String(
            format: "wired %dx%d (%d nodes): step (2 phases, %d levels) %.1f ms = %.0fx the wire-free step (%.2f ms), first step %.0f ms, "
                + "per step %.1f factorisations and %.1f CG iterations; "
                + "%d-example read %.1f ms = %.0fx the ideal product (%.3f ms), first read %.0f ms, read error against the ideal product %.4f; "
                + "one-example read (new states each time) %.1f ms",
            rows, cols, 2 * rows * cols, levels, wiredStep * 1e3, wiredStep / plainStep, plainStep * 1e3, firstStep * 1e3,
            Double(after.factorizations - before.factorizations) / Double(repeats),
            Double(after.cgIterations - before.cgIterations) / Double(repeats), batch,
            wiredRead * 1e3, wiredRead / idealRead, idealRead * 1e3, firstRead * 1e3, stats.readRelativeError, singleRead * 1e3)
        if previousRead {
            let (seconds, difference) = try solvedRead(sets, rows: rows, cols: cols)
            line += String(
                format: "; previous read (refactor + %d solves) %.1f ms, largest difference from it %.1e of the largest current",
                batch, seconds * 1e3, difference)
        }
        for (label, change) in [("the line solver's CG from zero", { (e: WiredAnalyticEngine) in e.warmStarts = false }),
                                ("CHOLMOD's factor preconditioning CG (the previous solver)", { (e: WiredAnalyticEngine) in e.writeSolver = .cholesky })] {
            let variant = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
            change(variant)
            var states = inputs[0].states
            try variant.apply(steps[0], to: &states)
            let before = variant.solverCounts!
            let seconds = try meanSeconds(repeats, cpu: true) { k in try variant.apply(steps[(k + 1) % 4], to: &states) }
            let after = variant.solverCounts!
            line += String(
                format: "; step with %@ %.1f ms (%.1f factorisations, %.1f CG iterations)", label, seconds * 1e3,
                Double(after.factorizations - before.factorizations) / Double(repeats),
                Double(after.cgIterations - before.cgIterations) / Double(repeats))
        }
        line += String(format: "; one row write step (%d pulses, one row as a per-batch write drives it) %.1f ms", levels, try rowStep(rows: rows, cols: cols) * 1e3)
        print(line)
        return Costs(ideal: plainStep + idealRead, wired: wiredStep + wiredRead)
    }

    /// Mean seconds of a row step (``CrossbarProgramming/rowStep(columnCounts:row:rows:only:)``:
    /// one row written with random signed counts up to `levels`, both phases) through the wired engine.
    private func rowStep(rows: Int, cols: Int) throws -> Double {
        var rng = SeededGenerator(seed: 12)
        var states = try StepInputs.random(rows: rows, cols: cols, seed: 50, encoding: PulseEncoding(levels: levels)).states
        let steps = try (0..<4).map { k in
            try CrossbarProgramming.rowStep(
                columnCounts: (0..<cols).map { _ in Int.random(in: -levels...levels, using: &rng) }, row: (k * rows) / 4, rows: rows,
                only: nil)!
        }
        let wired = try WiredAnalyticEngine(circuit: circuit, calibration: calibration)
        try wired.apply(steps[0], to: &states)
        return try meanSeconds(repeats, cpu: true) { k in try wired.apply(steps[(k + 1) % 4], to: &states) }
    }

    /// The read as `WiredReader` did it before: a fill-reducing factor of the devices and the
    /// reference column, refactored for each set of states, and one sparse solve per example;
    /// its mean seconds and the largest difference of its differential currents from the
    /// present reader's, as a fraction of the largest.
    private func solvedRead(_ sets: [ReadMinibatch], rows: Int, cols: Int) throws -> (Double, Double) {
        let conductances = sets.map { set in
            let g = circuit.population(rows: rows, cols: cols).conductances(set.states)
            return Matrix(rows: rows, cols: cols + 1) { i, j in j == cols ? circuit.referenceConductance : g[i, j] }
        }
        let drives = sets.map { set in
            (0..<batch).map { b in LineDrive.read((0..<rows).map { 0.2 * Double(set.inputs[b * rows + $0]) }, columns: cols + 1) }
        }
        let network = try CrossbarNetwork(wiring: circuit.wiring, conductances: conductances[0])
        var previous: [[Double]] = []
        let seconds = try meanSeconds(repeats, cpu: true) { k in
            try network.update(conductances: conductances[(k + 1) % 2])
            previous = try network.columnCurrents(drives[(k + 1) % 2])
        }
        let set = sets[repeats % 2]
        let present = try WiredReader(circuit: circuit).differentialCurrents(states: set.states, voltages: drives[repeats % 2].map(\.rows))
        let differential = previous.map { i in i.dropLast().map { $0 - i[cols] } }
        let largest = differential.joined().map(abs).max() ?? 0
        let difference = zip(differential.joined(), present.joined()).map { abs($0 - $1) }.max() ?? 0
        return (seconds, largest > 0 ? difference / largest : 0)
    }
}
