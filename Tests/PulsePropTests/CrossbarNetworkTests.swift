import Foundation
import XCTest

@testable import PulseProp

/// The wired crossbar's nodal solver (issue 27): node voltages by Kirchhoff, closed forms,
/// ideal wires exactly ideal, refactoring, the read's transfer matrix, pulse slots, bad
/// input and ill-conditioned networks. Expectations are derived here, not by the solver.
final class CrossbarNetworkTests: XCTestCase {
    /// Solves `A·x = b` by Gaussian elimination with partial pivoting (dense, small).
    private func gauss(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var (a, b) = (a, b)
        let n = b.count
        for k in 0..<n {
            let p = (k..<n).max { abs(a[$0][k]) < abs(a[$1][k]) }!
            a.swapAt(k, p)
            b.swapAt(k, p)
            for r in (k + 1)..<n {
                let f = a[r][k] / a[k][k]
                for c in k..<n { a[r][c] -= f * a[k][c] }
                b[r] -= f * b[k]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            x[k] = (b[k] - ((k + 1)..<n).reduce(0.0) { $0 + a[k][$1] * x[$1] }) / a[k][k]
        }
        return x
    }

    /// A 2×2 crossbar with 7 Ω segments and 30 Ω drivers, written as the netlist is: nodes
    /// `r<i>_in` (behind each row driver), `r<i>_<j>`, `c<j>_in`, `c<j>_<i>`; Kirchhoff's
    /// current law at each of the 12 nodes, solved here, gives every cross-point voltage.
    func testTwoByTwoWiredNetworkFollowsKirchhoff() throws {
        let (rs, rd) = (7.0, 30.0)
        let g = Matrix([[1e-3, 2e-4], [5e-4, 8e-3]])
        let drive = LineDrive(rows: [0.9, -0.3], columns: [-0.9, 0.4])
        // Unknowns: 0–1 r<i>_in, 2–5 r<i>_<j> (2 + 2i + j), 6–7 c<j>_in, 8–11 c<j>_<i> (8 + 2j + i).
        let rowIn = { (i: Int) in i }
        let rowAt = { (i: Int, j: Int) in 2 + 2 * i + j }
        let colIn = { (j: Int) in 6 + j }
        let colAt = { (j: Int, i: Int) in 8 + 2 * j + i }
        var a = [[Double]](repeating: [Double](repeating: 0, count: 12), count: 12)
        var b = [Double](repeating: 0, count: 12)
        func resistor(_ p: Int, _ q: Int, _ conductance: Double) {
            a[p][p] += conductance
            a[q][q] += conductance
            a[p][q] -= conductance
            a[q][p] -= conductance
        }
        func source(_ p: Int, _ volts: Double, _ conductance: Double) {
            a[p][p] += conductance
            b[p] += conductance * volts
        }
        for i in 0..<2 {
            source(rowIn(i), drive.rows[i], 1 / rd)
            resistor(rowIn(i), rowAt(i, 0), 1 / rs)
            resistor(rowAt(i, 0), rowAt(i, 1), 1 / rs)
        }
        for j in 0..<2 {
            source(colIn(j), drive.columns[j], 1 / rd)
            resistor(colIn(j), colAt(j, 0), 1 / rs)
            resistor(colAt(j, 0), colAt(j, 1), 1 / rs)
        }
        for i in 0..<2 { for j in 0..<2 { resistor(rowAt(i, j), colAt(j, i), g[i, j]) } }
        let v = gauss(a, b)

        let network = try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: rs, driverResistance: rd), conductances: g)
        XCTAssertEqual(network.nodeCount, 8)
        XCTAssertEqual(network.endConductance, 1 / 37, accuracy: 1e-15)
        let nodes = try network.nodeVoltages([drive])[0]
        let devices = try network.deviceVoltages(drive)
        for i in 0..<2 {
            for j in 0..<2 {
                XCTAssertEqual(nodes[network.rowNode(i, j)], v[rowAt(i, j)], accuracy: 1e-12)
                XCTAssertEqual(nodes[network.columnNode(j, i)], v[colAt(j, i)], accuracy: 1e-12)
                XCTAssertEqual(devices[i, j], v[rowAt(i, j)] - v[colAt(j, i)], accuracy: 1e-12)
            }
        }
        // Column j's current into its driver: through the driver resistance.
        let currents = try network.columnCurrents([drive])[0]
        for j in 0..<2 { XCTAssertEqual(currents[j], (v[colIn(j)] - drive.columns[j]) / rd, accuracy: 1e-14) }
    }

    /// Without segment resistance each line is one node behind its driver (conductance `g`).
    /// With equal devices `G`, rows at `V₁, V₂` and columns at 0 V, Kirchhoff's law gives
    /// `c = G·S/(g + 2G)` on both columns, `S = r₁ + r₂ = (V₁ + V₂)(g + 2G)/(g + 4G)` and
    /// `D = r₁ − r₂ = g(V₁ − V₂)/(g + 2G)`.
    func testTwoByTwoDriversOnlyHaveTheClosedForm() throws {
        let (rd, conductance) = (250.0, 2e-3)
        let g = 1 / rd
        let (v1, v2) = (0.2, -0.05)
        let network = try CrossbarNetwork(
            wiring: CrossbarWiring(segmentResistance: 0, driverResistance: rd),
            conductances: Matrix(rows: 2, cols: 2) { _, _ in conductance })
        XCTAssertEqual(network.nodeCount, 4)
        let s = (v1 + v2) * (g + 2 * conductance) / (g + 4 * conductance)
        let d = g * (v1 - v2) / (g + 2 * conductance)
        let (r1, r2, c) = ((s + d) / 2, (s - d) / 2, conductance * s / (g + 2 * conductance))
        let devices = try network.deviceVoltages(.read([v1, v2], columns: 2))
        for j in 0..<2 {
            XCTAssertEqual(devices[0, j], r1 - c, accuracy: 1e-15)
            XCTAssertEqual(devices[1, j], r2 - c, accuracy: 1e-15)
        }
        let currents = try network.columnCurrents([.read([v1, v2], columns: 2)])[0]
        for j in 0..<2 { XCTAssertEqual(currents[j], c * g, accuracy: 1e-17) }
        // One device between two wired lines is a series circuit: I = (V − U)/(2·R_end + 1/G).
        let single = try CrossbarNetwork(
            wiring: CrossbarWiring(segmentResistance: 5, driverResistance: 20), conductances: Matrix([[1e-2]]))
        let current = (0.7 - -0.4) / (2 * 25 + 100)
        XCTAssertEqual(try single.deviceVoltages(LineDrive(rows: [0.7], columns: [-0.4]))[0, 0], current * 100, accuracy: 1e-14)
    }

    /// Ideal wires: nothing is solved; every device sees exactly `v_row − v_col` and the read
    /// is exactly `Σ_i (G_ij − G_ref)·v_i`.
    func testIdealWiresAreExactlyIdeal() throws {
        let g = Matrix([[1e-3, 2e-4, 3e-5], [5e-4, 8e-3, 1e-6]])
        let network = try CrossbarNetwork(wiring: .ideal, conductances: g)
        XCTAssertEqual(network.nodeCount, 0)
        XCTAssertNil(network.matrix)
        let drive = LineDrive(rows: [0.9, -0.9], columns: [-0.9, 0, 0.9])
        let devices = try network.deviceVoltages(drive)
        for i in 0..<2 { for j in 0..<3 { XCTAssertEqual(devices[i, j], drive.rows[i] - drive.columns[j]) } }

        let circuit = CrossbarCircuit()
        let reader = try WiredReader(circuit: circuit)
        let device = try ThresholdMemristor(circuit.device)
        let states = Matrix([[0.1, 0.9], [0.5, 0.7], [1.0, 0.0]])
        let voltages = [0.2, -0.1, 0.05]
        let read = try reader.differentialCurrents(states: states, voltages: [voltages])[0]
        for j in 0..<2 {
            let expected = (0..<3).map { (device.conductance(state: states[$0, j]) - circuit.referenceConductance) * voltages[$0] }
                .reduce(0, +)
            XCTAssertEqual(read[j], expected, accuracy: 1e-18)
        }
    }

    /// At 0 Ω the wired read takes the existing code: the hardware has no read product, and
    /// training with `wiredRead` is bit-identical to training without. With wires it reads
    /// every product, less than the ideal one.
    func testWiredReadAtZeroOhmsTrainsBitIdentically() throws {
        func run(wiredRead: Bool, wiring: CrossbarWiring) throws -> (CircuitTraining, [BackpropEpoch]) {
            var c = BackpropConfiguration.builtinTask
            c.epochs = 1
            let (train, test) = BuiltinTask.split(seed: 3, train: 8, test: 4)
            var hardware = CrossbarHardware(circuit: CrossbarCircuit(wiring: wiring), engine: .analytic)
            hardware.wiredRead = wiredRead
            let training = try CircuitTraining(configuration: c, hardware: hardware, train: train, test: test, compare: false)
            return (training, try training.run.run())
        }
        XCTAssertNil(try CrossbarHardware(circuit: CrossbarCircuit(), engine: .analytic).readout(weightRange: 4))
        let (plain, plainLog) = try run(wiredRead: false, wiring: .ideal)
        let (wired, wiredLog) = try run(wiredRead: true, wiring: .ideal)
        XCTAssertNil(wired.readout)
        func withoutTimes(_ log: [BackpropEpoch]) -> [BackpropEpoch] { log.map { var e = $0; e.seconds = 0; return e } }
        XCTAssertEqual(withoutTimes(plainLog), withoutTimes(wiredLog))
        XCTAssertEqual(plain.updater.states, wired.updater.states)

        let wires = CrossbarWiring(segmentResistance: 50, driverResistance: 100)
        let (unread, _) = try run(wiredRead: false, wiring: wires)
        let (read, readLog) = try run(wiredRead: true, wiring: wires)
        XCTAssertNil(unread.readout)
        XCTAssertTrue(try XCTUnwrap(read.readout).reader is WiredReader)
        let stats = try XCTUnwrap(readLog.last?.circuit)
        XCTAssertGreaterThan(stats.readProducts, 0)
        XCTAssertGreaterThan(stats.readRelativeError, 1e-4)
    }

    /// Refactoring with new conductances equals a fresh network, and the read's transfer
    /// matrix equals one solve per read.
    func testRefactorAndTransferMatchDirectSolves() throws {
        var generator = SeededGenerator(seed: 7)
        let wiring = CrossbarWiring(segmentResistance: 3, driverResistance: 40)
        let first = Matrix(rows: 5, cols: 4) { _, _ in Double.random(in: 1e-5...1e-3, using: &generator) }
        let second = Matrix(rows: 5, cols: 4) { _, _ in Double.random(in: 1e-5...1e-3, using: &generator) }
        let network = try CrossbarNetwork(wiring: wiring, conductances: first)
        try network.update(conductances: second)
        let fresh = try CrossbarNetwork(wiring: wiring, conductances: second)
        let drives = (0..<20).map { _ in
            LineDrive(
                rows: (0..<5).map { _ in Double.random(in: -0.9...0.9, using: &generator) },
                columns: (0..<4).map { _ in Double.random(in: -0.9...0.9, using: &generator) })
        }
        let (a, b) = (try network.deviceVoltages(drives), try fresh.deviceVoltages(drives))
        for (x, y) in zip(a, b) { for (p, q) in zip(x.elements, y.elements) { XCTAssertEqual(p, q, accuracy: 1e-14) } }
        let transfer = try network.readTransfer()
        let reads = drives.map { LineDrive.read($0.rows, columns: 4) }
        for (drive, currents) in zip(reads, try network.columnCurrents(reads)) {
            for j in 0..<4 {
                XCTAssertEqual((0..<5).reduce(0.0) { $0 + transfer[j, $1] * drive.rows[$1] }, currents[j], accuracy: 1e-16)
            }
        }
        XCTAssertThrowsError(try network.update(conductances: Matrix(rows: 4, cols: 4) { _, _ in 1e-4 }))
    }

    /// One reader serves a network's layers in turn (a network per size), and a batch larger
    /// than the columns (through the transfer matrix) reads what single reads give.
    func testWiredReaderAlternatesSizesAndBatches() throws {
        var generator = SeededGenerator(seed: 3)
        let reader = try WiredReader(circuit: CrossbarCircuit(wiring: CrossbarWiring(segmentResistance: 5, driverResistance: 30)))
        let small = Matrix(rows: 4, cols: 2) { _, _ in Double.random(in: 0...1, using: &generator) }
        let large = Matrix(rows: 7, cols: 3) { _, _ in Double.random(in: 0...1, using: &generator) }
        let reads = (0..<6).map { _ in (0..<7).map { _ in Double.random(in: -0.2...0.2, using: &generator) } }
        let one = try reader.differentialCurrents(states: large, voltages: [reads[0]])[0]
        _ = try reader.differentialCurrents(states: small, voltages: [Array(reads[1].prefix(4))])
        let batch = try reader.differentialCurrents(states: large, voltages: reads)
        XCTAssertEqual(batch.count, 6)
        for (p, q) in zip(one, batch[0]) { XCTAssertEqual(p, q, accuracy: 1e-15) }
        let fresh = try WiredReader(circuit: reader.circuit)
        for (k, read) in reads.enumerated() {
            let single = try fresh.differentialCurrents(states: large, voltages: [read])[0]
            for (p, q) in zip(single, batch[k]) { XCTAssertEqual(p, q, accuracy: 1e-15) }
        }
    }

    /// An update that keeps the factor solves by CG preconditioned with it: a small change
    /// (one pulse level on some devices) gives the refactored voltages without refactoring; a
    /// change the stale factor cannot precondition makes the network refactor, with the same
    /// result.
    func testStaleFactorSolvesEqualRefactoredOnes() throws {
        var generator = SeededGenerator(seed: 11)
        let wiring = CrossbarWiring(segmentResistance: 2, driverResistance: 20)
        let first = Matrix(rows: 12, cols: 9) { _, _ in Double.random(in: 1e-5...1e-4, using: &generator) }
        var nudged = first
        for k in stride(from: 0, to: nudged.elements.count, by: 3) { nudged.elements[k] += 4.5e-6 }
        let far = Matrix(rows: 12, cols: 9) { _, _ in Double.random(in: 1e-2...1e-1, using: &generator) }
        let drives = (0..<5).map { _ in
            LineDrive(
                rows: (0..<12).map { _ in Double.random(in: -0.9...0.9, using: &generator) },
                columns: (0..<9).map { _ in Double.random(in: -0.9...0.9, using: &generator) })
        }
        for target in [nudged, far] {
            let network = try CrossbarNetwork(wiring: wiring, conductances: first)
            try network.update(conductances: target, refactor: false)
            XCTAssertFalse(network.factorIsCurrent)
            let stale = try network.deviceVoltages(drives)
            XCTAssertEqual(network.factorIsCurrent, target == far)
            let exact = try CrossbarNetwork(wiring: wiring, conductances: target).deviceVoltages(drives)
            for (a, b) in zip(stale, exact) { for (p, q) in zip(a.elements, b.elements) { XCTAssertEqual(p, q, accuracy: 1e-10) } }
        }
    }

    /// A pulse slot as the netlist drives it: rows at `±u/2` while their train lasts, columns
    /// at `∓u/2` (the values of the netlist's sources mid-plateau); with ideal wires a
    /// coincidence sees `u`, a half-selected device `u/2`.
    func testPulseSlotsDriveAsTheNetlistDoes() throws {
        let shape = PulseShape(setAmplitude: 1.8, resetAmplitude: 1.6)
        let step = try LearningStep(rowCounts: [2, 0], columnCounts: [-1, 2], slotsPerPhase: 2)
        let slots = LineDrive.slots(of: step, shape: shape)
        XCTAssertEqual(slots.count, 4)
        XCTAssertEqual(slots[0], LineDrive(rows: [0.9, 0], columns: [-0.9, 0]))
        XCTAssertEqual(slots[1], LineDrive(rows: [0.9, 0], columns: [0, 0]))
        XCTAssertEqual(slots[2], LineDrive(rows: [-0.8, 0], columns: [0, 0.8]))
        XCTAssertEqual(slots[3], LineDrive(rows: [-0.8, 0], columns: [0, 0.8]))
        // The netlist's sources (ElectrodeSchedule) sit at these values mid-plateau of every slot.
        let random = try LearningStep(rowCounts: [3, 0, 5, 1], columnCounts: [-4, 2, 0, 5, -1], slotsPerPhase: 5)
        let schedule = try ElectrodeSchedule(step: random, shape: shape)
        for (k, drive) in LineDrive.slots(of: random, shape: shape).enumerated() {
            let t = schedule.phaseLength.seconds * Double(k / 5) + shape.period * Double(k % 5) + shape.edge + shape.plateau / 2
            XCTAssertEqual(drive.rows, schedule.rows.map { $0.voltage(at: t) }, "slot \(k)")
            XCTAssertEqual(drive.columns, schedule.columns.map { $0.voltage(at: t) }, "slot \(k)")
        }
        let network = try CrossbarNetwork(wiring: .ideal, conductances: Matrix(rows: 2, cols: 2) { _, _ in 1e-4 })
        let voltages = try network.deviceVoltages(slots)
        XCTAssertEqual(voltages[0].elements, [1.8, 0.9, 0.9, 0])
        XCTAssertEqual(voltages[2].elements, [-0.8, -1.6, 0, -0.8])
    }

    /// Negative, NaN and infinite resistances and conductances are refused, naming them.
    func testBadInputIsRefused() throws {
        let g = Matrix(rows: 2, cols: 2) { _, _ in 1e-4 }
        for bad in [-1.0, .nan, .infinity] {
            XCTAssertThrowsError(try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: bad), conductances: g)) {
                XCTAssertEqual(($0 as? ParameterError)?.parameter, "wire-resistance")
            }
            XCTAssertThrowsError(try CrossbarNetwork(wiring: CrossbarWiring(driverResistance: bad), conductances: g)) {
                XCTAssertEqual(($0 as? ParameterError)?.parameter, "driver-resistance")
            }
            var conductances = g
            conductances[1, 0] = bad
            XCTAssertThrowsError(try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: 1), conductances: conductances)) {
                guard case .badConductance(1, 0, _)? = $0 as? WiredNetworkError else { return XCTFail("\($0)") }
            }
        }
        let network = try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: 1), conductances: g)
        XCTAssertThrowsError(try network.deviceVoltages(LineDrive(rows: [0.1], columns: [0, 0])))
        XCTAssertThrowsError(try network.deviceVoltages(LineDrive(rows: [.nan, 0], columns: [0, 0])))
    }

    /// Nearly floating lines (1 GΩ drivers on 1e-9 Ω segments) are reported in one line, not
    /// solved into garbage. 1e-9 Ω drivers on 1 GΩ devices are well posed in nodal form (the
    /// lines sit at their sources): they solve to the closed form of the drivers-only 2×2.
    func testIllConditionedNetworkIsReported() throws {
        let g = Matrix(rows: 3, cols: 3) { i, j in 1e-4 * Double(1 + i + j) }
        XCTAssertThrowsError(
            try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: 1e-9, driverResistance: 1e9), conductances: g)
        ) { error in
            guard case .illConditioned(let rcond)? = error as? WiredNetworkError else { return XCTFail("\(error)") }
            XCTAssertLessThan(rcond, 1e-12)
            XCTAssertFalse("\(error)".contains("\n"))
            XCTAssertTrue("\(error)".contains("ill-conditioned"))
        }
        // An update to ill-conditioning conductances is refused, and so is every solve until a
        // good update: the failed factor is never used.
        let wired = try CrossbarNetwork(wiring: CrossbarWiring(segmentResistance: 1, driverResistance: 10), conductances: g)
        let drive = LineDrive.read([0.1, 0.2, 0.1], columns: 3)
        let before = try wired.deviceVoltages(drive)
        XCTAssertThrowsError(try wired.update(conductances: g.map { $0 * 1e18 }))
        XCTAssertThrowsError(try wired.deviceVoltages(drive))
        XCTAssertThrowsError(try wired.readTransfer())
        try wired.update(conductances: g, refactor: false)
        XCTAssertEqual(try wired.deviceVoltages(drive), before)

        let (rd, conductance, v1, v2) = (1e-9, 1e-9, 0.2, -0.05)
        let network = try CrossbarNetwork(
            wiring: CrossbarWiring(driverResistance: rd), conductances: Matrix(rows: 2, cols: 2) { _, _ in conductance })
        let gd = 1 / rd
        let s = (v1 + v2) * (gd + 2 * conductance) / (gd + 4 * conductance)
        let d = gd * (v1 - v2) / (gd + 2 * conductance)
        let c = conductance * s / (gd + 2 * conductance)
        let devices = try network.deviceVoltages(.read([v1, v2], columns: 2))
        XCTAssertEqual(devices[0, 0], (s + d) / 2 - c, accuracy: 1e-15)
        XCTAssertEqual(devices[1, 1], (s - d) / 2 - c, accuracy: 1e-15)
        let currents = try network.columnCurrents([.read([v1, v2], columns: 2)])[0]
        XCTAssertEqual(currents[0], c * gd, accuracy: 1e-24)
    }
}
