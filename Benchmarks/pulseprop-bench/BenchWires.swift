import ArgumentParser
import COpenBLAS
import Foundation
import PulseProp
import PulsePropOptions

/// `pulseprop-bench wires`: the wired crossbar solver (``CrossbarNetwork``) at MNIST size: a
/// wired read of a minibatch against the ideal product (CBLAS) in the same run, one pulse
/// slot's device voltages by CHOLMOD and by the line solver, and CHOLMOD against a
/// warm-started Jacobi-preconditioned CG on the slots of one phase.
struct BenchWires: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wires",
        abstract: "Wired crossbar solver: a minibatch read, one slot solve, CHOLMOD against preconditioned CG.")

    @OptionGroup var wiring: BenchWiringOptions

    @Option(help: "Crossbar rows (inputs plus bias).")
    var rows = 785

    @Option(help: "Crossbar columns (weights; the read adds the reference column).")
    var cols = 110

    @Option(help: "Pulse levels of the learning step whose slots are solved.")
    var levels = 20

    @Option(help: "Repetitions of each timing (the mean is reported).")
    var repeats = 3

    @Option(help: "Extra square sizes for the CHOLMOD-against-CG comparisons.")
    var compareSizes: [Int] = [128]

    @Flag(help: "Also time Jacobi-preconditioned CG (slow: minutes at 785x110).")
    var jacobi = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        try require(rows >= 1 && cols >= 1 && wiring.batch >= 1 && repeats >= 1, "size", "rows, cols, batch and repeats must be ≥ 1")
        try require(compareSizes.allSatisfy { $0 >= 1 }, "compare-sizes", "every size must be ≥ 1")
        let largest = ([rows * (cols + 1)] + compareSizes.map { $0 * $0 }).max()!
        try memory.budget().check(
            CrossbarNetwork.estimatedBytes(rows: largest, cols: 1) + 2 * 4 * Double(wiring.batch) * Double(rows) * Double(cols + 1),
            option: largest == rows * (cols + 1) ? "rows" : "compare-sizes", request: "a wired \(rows)x\(cols) crossbar")
        let circuit = wiring.circuit
        // One core, as the aims are stated (CHOLMOD's BLAS is OpenBLAS).
        Kernels.setBLASThreads(1)
        print("one BLAS thread; wired crossbar solver, \(rows)x\(cols), \(wiring.label) (\(Host.cpu))")
        try read(circuit)
        try slot(circuit, rows: rows, cols: cols)
        for n in [rows] + compareSizes {
            if jacobi { try compare(circuit, rows: n, cols: n == rows ? cols : n) }
            try drift(circuit, rows: n, cols: n == rows ? cols : n)
        }
    }

    private func read(_ circuit: CrossbarCircuit) throws {
        let sets = [1, 2].map { ReadMinibatch(rows: rows, cols: cols, batch: wiring.batch, seed: $0) }
        var out = [Float](repeating: 0, count: wiring.batch * cols)
        let ideal = meanSeconds(repeats * 10) { k in sets[k % 2].idealProduct(into: &out) }
        let readout = try CircuitReadout(reader: WiredReader(circuit: circuit), mapping: WeightMapping(.reference, maxWeight: 4))
        // The first read analyses the pattern; then each read refactors (the weights alternate).
        let analyse = try meanSeconds(1) { _ in try sets[0].read(through: readout, into: &out) }
        let wired = try meanSeconds(repeats) { k in try sets[(k + 1) % 2].read(through: readout, into: &out) }
        var stats = CircuitEpochStats()
        readout.take(into: &stats)
        print(String(
            format: "read of a %d-example minibatch: ideal product (CBLAS) %.3f ms; wired %.1f ms (refactor + the line ends' Schur complement + one product), %.0fx the ideal; first read with symbolic analysis %.1f ms; relative read error against the ideal product %.4f",
            wiring.batch, ideal * 1e3, wired * 1e3, wired / ideal, analyse * 1e3, stats.readRelativeError))
    }

    /// One learning step's device conductances and slot drives.
    private func step(_ circuit: CrossbarCircuit, rows: Int, cols: Int, seed: UInt64) throws -> (Matrix<Double>, [LineDrive]) {
        let encoding = PulseEncoding(levels: levels)
        let inputs = try StepInputs.random(rows: rows, cols: cols, seed: seed, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        return (circuit.population(rows: rows, cols: cols).conductances(inputs.states), LineDrive.slots(of: step, shape: circuit.shape))
    }

    private func slot(_ circuit: CrossbarCircuit, rows: Int, cols: Int) throws {
        let (g, drives) = try step(circuit, rows: rows, cols: cols, seed: 3)
        let (other, _) = try step(circuit, rows: rows, cols: cols, seed: 4)
        var network: CrossbarNetwork!
        let build = try meanSeconds(1) { _ in network = try CrossbarNetwork(wiring: circuit.wiring, conductances: g) }
        let refactor = try meanSeconds(repeats) { k in try network.update(conductances: k % 2 == 0 ? other : g) }
        let solve = try meanSeconds(repeats) { _ in _ = try network.deviceVoltages(drives[0]) }
        let slot = try meanSeconds(repeats) { k in
            try network.update(conductances: k % 2 == 0 ? other : g)
            _ = try network.deviceVoltages(drives[k % drives.count])
        }
        let phase = try meanSeconds(repeats) { _ in _ = try network.deviceVoltages(Array(drives.prefix(levels))) }
        print(String(
            format: "slot solve %dx%d (%d nodes, L has %d nonzeros): analyse+factor %.1f ms, refactor %.1f ms, one solve with device voltages %.1f ms, refactor+solve %.1f ms; %d slots of one phase %.1f ms",
            rows, cols, network.nodeCount, network.factorNonzeros, build * 1e3, refactor * 1e3, solve * 1e3, slot * 1e3, levels,
            phase * 1e3))
        try lines(circuit, g: g, other: other, drives: drives, network: network)
    }

    /// The line solver (``CrossbarLineSolver``) on the same slots: update + solve from zero,
    /// and a phase's slots warm-started; its largest device-voltage difference from CHOLMOD.
    private func lines(_ circuit: CrossbarCircuit, g: Matrix<Double>, other: Matrix<Double>, drives: [LineDrive], network: CrossbarNetwork) throws {
        let solver = try CrossbarLineSolver(wiring: circuit.wiring, conductances: g)
        var v = Matrix<Double>(rows: 0, cols: 0, elements: [])
        solver.warmStarts = false
        let start = solver.counts.cgIterations
        let cold = try meanSeconds(repeats) { k in
            try solver.update(conductances: k % 2 == 0 ? other : g)
            try solver.solve(drives[k % drives.count], deviceVoltages: &v)
        }
        let coldIterations = Double(solver.counts.cgIterations - start) / Double(repeats)
        try solver.update(conductances: g)
        try network.update(conductances: g)
        let direct = try network.deviceVoltages(Array(drives.prefix(levels)))
        solver.warmStarts = true
        var difference = 0.0
        let before = solver.counts.cgIterations
        let phase = try meanSeconds(1) { _ in
            for (k, drive) in drives.prefix(levels).enumerated() {
                try solver.solve(drive, deviceVoltages: &v)
                difference = max(difference, zip(v.elements, direct[k].elements).map { abs($0 - $1) }.max()!)
            }
        }
        print(String(
            format: "line solver %dx%d: update + solve from zero %.2f ms (%.1f CG iterations); %d slots of one phase warm-started %.1f ms (%.1f iterations a slot); largest device-voltage difference from CHOLMOD %.1e V",
            g.rows, g.cols, cold * 1e3, coldIterations, levels, phase * 1e3, Double(solver.counts.cgIterations - before) / Double(levels), difference))
    }

    /// CHOLMOD (refactor, then the phase's slots) against warm-started Jacobi-PCG on the same slots.
    private func compare(_ circuit: CrossbarCircuit, rows: Int, cols: Int) throws {
        let (g, drives) = try step(circuit, rows: rows, cols: cols, seed: 5)
        let network = try CrossbarNetwork(wiring: circuit.wiring, conductances: g)
        let slots = Array(drives.prefix(levels))
        var direct: [[Double]] = []
        let cholmod = try meanSeconds(1) { _ in
            try network.update(conductances: g)
            direct = try network.nodeVoltages(slots)
        }
        let cg = ConjugateGradient(network.matrix!)
        var x = [Double](repeating: 0, count: network.nodeCount)
        var iterations: [Int] = []
        var error = 0.0
        let iterative = try meanSeconds(1) { _ in
            for (k, drive) in slots.enumerated() {
                iterations.append(try cg.solve(network.rightHandSide(drive), &x, tolerance: 1e-10))
                error = max(error, zip(x, direct[k]).map { abs($0 - $1) }.max()!)
            }
        }
        print(String(
            format: "%dx%d, %d slots: CHOLMOD refactor+solves %.1f ms; Jacobi-PCG warm-started (rel. residual 1e-10) %.1f ms, %d–%d iterations per slot, largest node difference %.1e V → %@ is faster (%.1fx)",
            rows, cols, slots.count, cholmod * 1e3, iterative * 1e3, iterations.min() ?? 0, iterations.max() ?? 0, error,
            cholmod <= iterative ? "CHOLMOD" : "CG", max(cholmod, iterative) / min(cholmod, iterative)))
    }

    /// The write path with conductances moving every slot (each coincident device by one
    /// level's share of the range): CHOLMOD refactor + solve per slot, against the network's
    /// CG preconditioned by its stale factor (refactoring when CG needs too many iterations).
    private func drift(_ circuit: CrossbarCircuit, rows: Int, cols: Int) throws {
        let encoding = PulseEncoding(levels: levels)
        let inputs = try StepInputs.random(rows: rows, cols: cols, seed: 9, encoding: encoding)
        let step = try LearningStep(x: inputs.x, delta: inputs.delta, encoding: encoding)
        let devices = circuit.population(rows: rows, cols: cols)
        let phase = step.phases[0]
        var states = inputs.states
        var conductances: [Matrix<Double>] = []
        for slot in 0..<levels {
            conductances.append(devices.conductances(states))
            for i in 0..<rows where slot < phase.rowCounts[i] {
                for j in 0..<cols where slot < phase.columnCounts[j] { states[i, j] = min(1, states[i, j] + 1 / Double(levels)) }
            }
        }
        let drives = (0..<levels).map { LineDrive.slot($0, of: phase, shape: circuit.shape) }
        let moving = try CrossbarNetwork(wiring: circuit.wiring, conductances: conductances[0])
        var exact: [[Double]] = []
        let cholmod = try meanSeconds(1) { _ in
            exact = try zip(conductances, drives).map { g, drive in
                try moving.update(conductances: g)
                return try moving.nodeVoltages([drive])[0]
            }
        }
        let stale = try CrossbarNetwork(wiring: circuit.wiring, conductances: conductances[0])
        var refactors = 0
        var error = 0.0
        let iterative = try meanSeconds(1) { _ in
            for (k, drive) in drives.enumerated() {
                try stale.update(conductances: conductances[k], refactor: false)
                let x = try stale.nodeVoltages([drive])[0]
                if stale.factorIsCurrent { refactors += 1 }
                error = max(error, zip(x, exact[k]).map { abs($0 - $1) }.max()!)
            }
        }
        print(String(
            format: "%dx%d, %d slots of a potentiation phase, devices moving every slot: CHOLMOD refactor+solve per slot %.1f ms; CG preconditioned by a stale factor (update(refactor: false)) %.1f ms (%d refactors, largest node difference %.1e V) → %@ is faster (%.1fx)",
            rows, cols, levels, cholmod * 1e3, iterative * 1e3, refactors, error,
            cholmod <= iterative ? "CHOLMOD" : "stale-factor CG", max(cholmod, iterative) / min(cholmod, iterative)))
    }
}
