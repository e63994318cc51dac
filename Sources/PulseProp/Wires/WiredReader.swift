import COpenBLAS

/// Reads crossbars through their wires without SPICE: the same circuit as
/// ``CrossbarReadNetlist`` (row sources at `v_i` behind their drivers, every column into a
/// sense amplifier's virtual ground at 0 V behind the driver resistance, a reference column of
/// devices at `G_ref = (G_on + G_off)/2` as column `C`), solved by ``CrossbarNetwork``. It
/// returns what ``SpiceReader`` returns, `I_j − I_ref`, with the wires' losses.
///
/// With tiles (``CrossbarCircuit/tiling``) every tile is read as such a crossbar of its own,
/// with its own drivers, wires, sense amplifiers and reference column, and the tiles' currents
/// are added digitally (``CrossbarCircuit/tiledDifferentialCurrents(states:voltages:read:)``).
///
/// **Pairs** (``Columns/pairs``): the states are a pair layout's (``WeightMapping/Kind/pair``,
/// `G⁺` in column `2j`, `G⁻` in column `2j + 1`) and each read returns `I⁺_j − I⁻_j`, the
/// difference of the two columns' currents, both through the wires; the network has no
/// reference column. With tiles each tile's column currents are added digitally first, so a
/// pair split between two tiles reads the same way.
///
/// One network is kept per tile of each crossbar size (a network's layers alternate),
/// refactored only when its states change; a batch goes through the read's transfer
/// matrix (``CrossbarNetwork/readTransfer()``, kept until the states change), so a batch costs
/// one matrix product (CBLAS `dgemm`) and a read's bits never depend on the reads before it.
/// On large crossbars a batch of fewer than ``lineSolveReads`` reads (a per-example training's
/// forward read) is solved read by read by ``CrossbarLineSolver`` instead (``lineSolveDevices``).
/// From ``schurDevices`` devices the network orders its line ends last
/// (``CrossbarNetwork/Ordering/lineEndsLast``) and the transfer comes from their Schur
/// complement; below, from one sparse solve per column, which measured faster there.
public final class WiredReader: CrossbarReader {
    /// What a read's currents are taken against.
    public enum Columns: Sendable {
        /// Each column against a reference column at `G_ref`: `I_j − I_ref`.
        case reference
        /// Differential pairs of columns: `I_{2j} − I_{2j+1}`.
        case pairs
    }

    public let circuit: CrossbarCircuit
    public let readVoltage: Double
    public let columns: Columns
    public var label: String { "wired read" }
    /// A size's network and its transfer matrix for the present states, when computed.
    private struct Cached {
        let network: CrossbarNetwork
        var transfer: Matrix<Double>?
    }
    /// Keyed by tile (a layer size's tiles differ from another size's in their ranges).
    private var cache: [CrossbarTile: Cached] = [:]
    /// A tile's line solver and the conductances it holds (for the reads solved one by one).
    private var lineSolvers: [CrossbarTile: (solver: CrossbarLineSolver, conductances: Matrix<Double>)] = [:]
    /// On crossbars of at least this many devices (reference column included) with segment
    /// resistance, a batch of fewer than ``lineSolveReads`` reads is solved read by read by
    /// ``CrossbarLineSolver`` (6–13 ms a read at 785×111) instead of refactoring for the
    /// transfer matrix (0.4–0.6 s; docs/performance.md): a per-example training's forward
    /// reads. The choice depends only on the sizes, so a read's bits still never depend on the
    /// reads before it (the line solver starts every read from zero).
    var lineSolveDevices = 10_000
    /// Batches smaller than this are solved read by read (above). Both costs grow about
    /// linearly with the nodes, and at 785×111 the transfer costs as much as 40–80 line
    /// solves, so 32 reads stay below it with a margin.
    static let lineSolveReads = 32
    /// Crossbars of at least this many devices (reference column included) read through the
    /// line ends' Schur complement. Measured (`pulseprop-bench analytic --previous-read`, one
    /// thread): 2.1–3.0× faster than the column solves at 128×128, 256×110 and 785×110, 2×
    /// slower at 111×10 (a 122-node block factored supernodally without a postorder).
    var schurDevices = 10_000

    /// A reader of crossbars of `circuit` at row voltages up to `readVoltage`, which must lie
    /// in `(0, min(V_set, V_reset))`, with a reference column or, with `columns: .pairs`, of
    /// differential pairs.
    public init(circuit: CrossbarCircuit, readVoltage: Double = 0.2, columns: Columns = .reference) throws {
        try circuit.validate()
        try circuit.checkReadVoltage(readVoltage)
        self.circuit = circuit
        self.readVoltage = readVoltage
        self.columns = columns
    }

    public func differentialCurrents(states: Matrix<Double>, voltages: [[Double]]) throws -> [[Double]] {
        try require(states.elements.allSatisfy { $0 >= 0 && $0 <= 1 }, "state", "every device state must lie in [0, 1]")
        for v in voltages {
            try require(v.count == states.rows, "read-voltage", "\(v.count) row voltages for \(states.rows) rows")
            try require(
                v.allSatisfy { $0.isFinite && abs($0) < circuit.readLimit }, "read-voltage",
                "every row voltage must be finite and below the switching thresholds (\(circuit.readLimit) V)")
        }
        try require(
            columns == .reference || states.cols % 2 == 0, "weights", "a read of pairs needs an even number of columns, got \(states.cols)")
        let population = circuit.population(rows: states.rows, cols: states.cols)
        let currents = try circuit.tiledDifferentialCurrents(states: states, voltages: voltages) { tile, states, voltages in
            try read(tile, devices: population.tile(tile), states: states, voltages: voltages)
        }
        guard columns == .pairs else { return currents }
        let pairs = states.cols / 2
        return currents.map { (i: [Double]) -> [Double] in (0..<pairs).map { (j: Int) -> Double in i[2 * j] - i[2 * j + 1] } }
    }

    /// One tile's `I_j − I_ref` (its own reference column) for each of `voltages`; with pairs,
    /// its plain column currents `I_j`.
    private func read(_ tile: CrossbarTile, devices: DevicePopulation, states: Matrix<Double>, voltages: [[Double]]) throws -> [[Double]] {
        let (rows, cols) = (states.rows, states.cols)
        let lines = columns == .reference ? cols + 1 : cols
        let g = conductances(devices: devices, states: states)
        if circuit.wiring.segmentResistance > 0, rows * lines >= lineSolveDevices, voltages.count < Self.lineSolveReads {
            let solver = try lineSolver(for: tile, conductances: g)
            var across = Matrix<Double>(rows: 0, cols: 0, elements: [])
            return try voltages.map { v in
                // Each column's current into its sense amplifier (held at 0 V): its first node's voltage × g_end.
                let starts = try solver.solve(.read(v, columns: lines), deviceVoltages: &across)
                let read = (0..<lines).map { starts[rows + $0] * solver.endConductance }
                return differential(read[...])
            }
        }
        let network = try self.network(for: tile, conductances: g)
        let transfer = try cache[tile]?.transfer ?? network.readTransfer()
        cache[tile]?.transfer = transfer
        // I (reads × lines) = V (reads × rows) · Tᵀ.
        let v = voltages.flatMap { $0 }
        var currents = [Double](repeating: 0, count: voltages.count * lines)
        if !voltages.isEmpty {
            cblas_dgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(voltages.count), Int32(lines), Int32(rows), 1, v, Int32(rows),
                transfer.elements, Int32(rows), 0, &currents, Int32(lines))
        }
        return (0..<voltages.count).map { b in
            let read = currents[(b * lines)..<((b + 1) * lines)]
            return differential(read)
        }
    }

    /// A read's line currents as returned: each column less the reference column (the last
    /// line), or the columns themselves with pairs.
    private func differential(_ read: ArraySlice<Double>) -> [Double] {
        columns == .reference ? read.dropLast().map { $0 - read.last! } : Array(read)
    }

    /// The conductances of a tile's `devices` at `states` plus its reference column (none with pairs).
    private func conductances(devices: DevicePopulation, states: Matrix<Double>) -> Matrix<Double> {
        let conductances = devices.conductances(states)
        guard columns == .reference else { return conductances }
        return Matrix(rows: states.rows, cols: states.cols + 1) { i, j in j == states.cols ? circuit.referenceConductance : conductances[i, j] }
    }

    /// A tile's line solver, updated when its conductances `g` changed.
    private func lineSolver(for tile: CrossbarTile, conductances g: Matrix<Double>) throws -> CrossbarLineSolver {
        if let (solver, held) = lineSolvers[tile] {
            if held != g {
                try solver.update(conductances: g)
                lineSolvers[tile]?.conductances = g
            }
            return solver
        }
        let solver = try CrossbarLineSolver(wiring: circuit.wiring, conductances: g)
        solver.warmStarts = false
        lineSolvers[tile] = (solver, g)
        return solver
    }

    /// The network of a tile at conductances `g` (reference column included), refactored when they changed.
    private func network(for tile: CrossbarTile, conductances g: Matrix<Double>) throws -> CrossbarNetwork {
        let (rows, cols) = (g.rows, columns == .pairs ? g.cols : g.cols - 1)
        if let network = cache[tile]?.network {
            if network.conductances != g {
                cache[tile]?.transfer = nil
                try network.update(conductances: g)
            }
            return network
        }
        let made = try CrossbarNetwork(
            wiring: circuit.wiring, conductances: g, ordering: rows * (cols + 1) >= schurDevices ? .lineEndsLast : .fillReducing)
        cache[tile] = Cached(network: made)
        return made
    }
}
