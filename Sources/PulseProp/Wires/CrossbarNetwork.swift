/// The resistive network of a wired R×C crossbar with its devices frozen at given
/// conductances, solved by nodal analysis: the node voltages, every device's voltage and every
/// column's current for any number of drives (``LineDrive``).
///
/// **Geometry, exactly as the netlists build it** (``CrossbarLines``, ``CrossbarNetlist``,
/// ``CrossbarReadNetlist``): row `i` is driven from its left end and column `j` from its top
/// end by an ideal source behind ``CrossbarWiring/driverResistance``; each line has
/// ``CrossbarWiring/segmentResistance`` between the driver and its first cross-point and
/// between neighbouring cross-points; the far ends are open. Device `(i, j)` joins row node
/// `(i, j)` to column node `(j, i)`. The node between a driver and its first segment carries
/// nothing else, so it is eliminated: the source reaches the first cross-point through
/// `R_end = R_driver + R_segment` (``endConductance``). With zero segment resistance a line is
/// one node behind its driver (the netlists' `r<i>_in`); with both resistances zero the wires
/// are ideal and nothing is solved: a device sees exactly `v_row − v_col`.
///
/// **Unknowns and matrix:** one row-line and one column-line node per cross-point (`2·R·C`; `R + C`
/// without segments). Kirchhoff's current law gives `G·v = b`, `G` a weighted graph
/// Laplacian plus `1/R_end` on the diagonal of each line's first node, so symmetric positive
/// definite; `b` holds `V_source/R_end` at those nodes.
///
/// **Solver:** CHOLMOD's sparse Cholesky (``CholeskyFactor``): the pattern is analysed once
/// per network, ``update(conductances:refactor:)`` refactors numerically, and each solve takes a
/// block of right-hand sides. Measured (`pulseprop-bench wires`, one BLAS thread, AMD EPYC;
/// docs/performance.md): the factor is 58× (128×128) to 150× (785×110) faster than a
/// warm-started Jacobi-preconditioned conjugate gradient on a phase's slots, which needs
/// 650–2600 iterations a slot (the lines' resistive chains make the condition grow with the
/// square of the line length). When conductances move a little between solves (a write's
/// slots), `update(conductances:refactor: false)` keeps the factor and solves by CG
/// preconditioned with it (``ConjugateGradient``): a few iterations a slot, 2.2× (128×128) and
/// 3.2× (785×110) faster than refactoring every slot; after ``staleIterationLimit``
/// iterations the network refactors and solves directly. CG starts from the last drive's
/// solution when that is closer than zero (``warmStarts``). The analysis tries AMD and METIS
/// and keeps the smaller factor; with ``Ordering/lineEndsLast`` the line ends come last and the
/// read's transfer matrix is dense algebra on their Schur complement (``readTransfer()``).
///
/// **Approximation:** devices are linear resistors at their present conductance (exact for the
/// threshold memristor, whose current is `G(x)·v`, while its state is frozen; in a write the
/// states are taken as frozen within a pulse slot) and every source sits at its plateau value.
/// Ill-conditioned networks (nearly floating lines, e.g. 1 GΩ drivers on 1e-9 Ω segments) are
/// refused with ``WiredNetworkError/illConditioned(reciprocalCondition:)``. Not thread-safe.
public final class CrossbarNetwork {
    /// Crossbar size.
    public let rows: Int
    public let cols: Int
    /// The line and driver resistances.
    public let wiring: CrossbarWiring
    /// Conductance between a line's source and its first cross-point, `1/(R_driver + R_segment)`
    /// (`1/R_driver` without segments; infinite for ideal wires), siemens.
    public let endConductance: Double
    /// Conductance of one segment between neighbouring cross-points (0 without segments), siemens.
    public let segmentConductance: Double
    /// Unknown node voltages: `2·R·C` with segments, `R + C` without, 0 for ideal wires.
    public let nodeCount: Int
    /// Right-hand sides solved together (bounds the solver's memory at 785×110 to a few MB).
    static let blockSize = 16
    /// CG iterations preconditioned by a stale factor beyond which the network refactors.
    public static let staleIterationLimit = 12
    /// Relative residual at which a CG solve on a stale factor stops.
    static let staleTolerance = 1e-12

    /// Device conductances, siemens (row-major `rows × cols`).
    public private(set) var conductances: Matrix<Double>
    let factor: CholeskyFactor?
    /// How the factor orders the nodes.
    public let ordering: Ordering
    /// Whether the factor is of the present conductances (else it preconditions CG).
    public private(set) var factorIsCurrent = true
    /// Whether the last factorisation failed (ill-conditioned or not positive definite).
    private var factorFailed = false
    /// The pattern's values for the present conductances, and where each device and each
    /// node's diagonal sit among them.
    private var values: [Double]
    private let baseValues: [Double]
    private let diagonalPosition: [Int]
    private let devicePosition: [Int]
    /// Whether stale-factor CG starts from the last solution (``warmStart()``) rather than zero.
    public var warmStarts = true
    /// Numeric factorisations and stale-factor CG iterations so far (for benchmarks).
    public private(set) var counts = SolverCounts()
    /// The node voltages of the last drive solved (a warm start for stale-factor CG).
    private var lastSolution: [Double]?

    /// How the nodes are ordered for the factorisation.
    public enum Ordering: Sendable {
        /// CHOLMOD's fill-reducing ordering (AMD): the cheapest factor and solves.
        case fillReducing
        /// The lines' first nodes (where the drivers connect) last, rows then columns, the rest
        /// by METIS: a factor about as large whose last block gives the read's transfer matrix
        /// by dense algebra (``readTransfer()``); its analysis takes longer (1.2 s at 785×111).
        case lineEndsLast
    }

    /// Builds the network of a `rows × cols` crossbar with `wiring` and devices at
    /// `conductances` and factors it, its nodes ordered by `ordering`. Throws ``ParameterError`` for a bad wiring and
    /// ``WiredNetworkError`` for a bad conductance or an ill-conditioned network.
    /// With `simplicialSolves` (fill-reducing ordering only) each factor is kept in simplicial
    /// form, for faster solves of one right-hand side at a time (a write's stale-factor CG;
    /// ``CholeskyFactor``), slower blocks.
    public init(
        wiring: CrossbarWiring, conductances: Matrix<Double>, ordering: Ordering = .fillReducing, simplicialSolves: Bool = false
    ) throws {
        try wiring.validate()
        try require(conductances.rows >= 1 && conductances.cols >= 1, "crossbar", "must have at least one row and one column")
        try Self.check(conductances)
        (rows, cols) = (conductances.rows, conductances.cols)
        self.wiring = wiring
        self.conductances = conductances
        self.ordering = ordering
        let segmented = wiring.segmentResistance > 0
        segmentConductance = segmented ? 1 / wiring.segmentResistance : 0
        endConductance = 1 / (wiring.driverResistance + wiring.segmentResistance)
        guard !wiring.isIdeal else {
            (nodeCount, factor, values, baseValues, diagonalPosition, devicePosition) = (0, nil, [], [], [], [])
            return
        }
        nodeCount = segmented ? 2 * rows * cols : rows + cols
        let pattern = NodalPattern(rows: rows, cols: cols, segmented: segmented)
        var base = [Double](repeating: 0, count: pattern.rowIndices.count)
        for (a, b) in pattern.segments {
            base[pattern.position(a, b)] = -segmentConductance
            base[pattern.diagonal[a]] += segmentConductance
            base[pattern.diagonal[b]] += segmentConductance
        }
        for node in pattern.lineStarts { base[pattern.diagonal[node]] += endConductance }
        baseValues = base
        values = base
        diagonalPosition = pattern.diagonal
        devicePosition = pattern.devices.map { pattern.position($0.0, $0.1) }
        let factor = try CholeskyFactor(
            order: nodeCount, columnStarts: pattern.columnStarts.map(Int32.init), rowIndices: pattern.rowIndices.map(Int32.init),
            trailing: ordering == .lineEndsLast ? [Array(pattern.lineStarts.prefix(rows)), Array(pattern.lineStarts.suffix(cols))] : [],
            simplicialSolves: simplicialSolves && ordering == .fillReducing)
        self.factor = factor
        assemble()
        try factor.factorize(values)
        counts.factorizations = 1
    }

    /// Memory a network of a `rows × cols` crossbar with segment resistance may need, bytes:
    /// about 1 KB a node (`2·R·C` nodes) — the supernodal factor measured 41 entries a node at
    /// 128×110 and 785×110 (counted as 50), the matrix, and one block of right-hand sides with
    /// CHOLMOD's solution and workspace. For refusing sizes before anything is allocated.
    public static func estimatedBytes(rows: Int, cols: Int) -> Double {
        let nodes = 2 * Double(rows) * Double(cols)
        return nodes * (8 * 50 + 5 * 24 + 4 * 8 * Double(blockSize))
    }

    /// Node of row `i` at its crossing with column `j` (with segments `i·C + j`, without `i`).
    public func rowNode(_ i: Int, _ j: Int) -> Int { segmentConductance > 0 ? i * cols + j : i }

    /// Node of column `j` at its crossing with row `i` (with segments `R·C + j·R + i`, without `R + j`).
    public func columnNode(_ j: Int, _ i: Int) -> Int { segmentConductance > 0 ? rows * cols + j * rows + i : rows + j }

    /// Replaces the device conductances and refactors numerically (the symbolic analysis is
    /// kept), or with `refactor: false` keeps the present factor to precondition CG solves
    /// until a solve needs more than ``staleIterationLimit`` iterations.
    public func update(conductances: Matrix<Double>, refactor: Bool = true) throws {
        try Self.check(conductances, rows: rows, cols: cols)
        self.conductances = conductances
        guard factor != nil else { return }
        assemble()
        factorIsCurrent = false
        if refactor || factorFailed { try refactorNow() }
    }

    /// Factors the present values; until a factorisation succeeds every solve tries again
    /// (and throws its error), so a failed factor is never used.
    func refactorNow() throws {
        counts.factorizations += 1
        factorFailed = true
        try factor!.factorize(values)
        (factorFailed, factorIsCurrent) = (false, true)
    }

    /// The nodal matrix's upper triangle for the present conductances (compressed columns),
    /// for other solvers to compare with; nil for ideal wires.
    public var matrix: NodalMatrix? {
        factor.map { NodalMatrix(order: nodeCount, columnStarts: $0.columnStarts, rowIndices: $0.rowIndices, values: values) }
    }

    /// Nonzeros of the Cholesky factor (0 for ideal wires).
    public var factorNonzeros: Int { factor?.factorNonzeros ?? 0 }

    /// The right-hand side `b` of `drive`: `V_source·endConductance` at each line's first node.
    public func rightHandSide(_ drive: LineDrive) -> [Double] {
        var b = [Double](repeating: 0, count: nodeCount)
        for i in 0..<rows { b[rowNode(i, 0)] = drive.rows[i] * endConductance }
        for j in 0..<cols { b[columnNode(j, 0)] = drive.columns[j] * endConductance }
        return b
    }

    /// The node voltages for each of `drives` (``nodeCount`` values each, indexed by
    /// ``rowNode(_:_:)`` and ``columnNode(_:_:)``; empty for ideal wires).
    public func nodeVoltages(_ drives: [LineDrive]) throws -> [[Double]] {
        try solutions(drives) { _, _, v in Array(v) }
    }

    /// The voltage across every device, `v(row node) − v(column node)`, for each of `drives`
    /// (exactly `v_row − v_col` with ideal wires).
    public func deviceVoltages(_ drives: [LineDrive]) throws -> [Matrix<Double>] {
        try solutions(drives) { _, drive, v in
            Matrix(rows: rows, cols: cols) { i, j in
                factor == nil ? drive.rows[i] - drive.columns[j] : v[rowNode(i, j)] - v[columnNode(j, i)]
            }
        }
    }

    /// The voltage across every device for one drive (one pulse slot).
    public func deviceVoltages(_ drive: LineDrive) throws -> Matrix<Double> {
        try deviceVoltages([drive])[0]
    }

    /// The current each column line delivers into its driver (its sense amplifier's virtual
    /// ground in a read), amperes, for each of `drives`: `(v(column node (j, 0)) −
    /// V_source)·endConductance`; with ideal wires `Σ_i G_ij·(v_row_i − v_col_j)`.
    public func columnCurrents(_ drives: [LineDrive]) throws -> [[Double]] {
        try solutions(drives) { _, drive, v in
            (0..<cols).map { j in
                guard factor != nil else {
                    return (0..<rows).reduce(0.0) { $0 + conductances[$1, j] * (drive.rows[$1] - drive.columns[j]) }
                }
                return (v[columnNode(j, 0)] - drive.columns[j]) * endConductance
            }
        }
    }

    /// `extract(k, drives[k], node voltages)` for every drive, solved ``blockSize`` at a time
    /// so only one block of node voltages is held (empty voltages for ideal wires).
    private func solutions<T>(
        _ drives: [LineDrive], _ extract: (Int, LineDrive, UnsafeBufferPointer<Double>) throws -> T
    ) throws -> [T] {
        try drives.forEach { try $0.check(rows: rows, cols: cols) }
        guard let factor else { return try drives.enumerated().map { try extract($0, $1, UnsafeBufferPointer(start: nil, count: 0)) } }
        if factorFailed { try refactorNow() }
        var result: [T] = []
        result.reserveCapacity(drives.count)
        if !factorIsCurrent {
            let cg = ConjugateGradient(matrix!) { r, z in _ = z.update(fromContentsOf: try factor.solve(Array(r), count: 1)) }
            var x = warmStart()
            while result.count < drives.count, !factorIsCurrent {
                let k = result.count
                let iterations = try cg.solve(
                    rightHandSide(drives[k]), &x, tolerance: Self.staleTolerance, limit: Self.staleIterationLimit)
                counts.cgIterations += iterations
                if iterations < Self.staleIterationLimit {
                    lastSolution = x
                    result.append(try x.withUnsafeBufferPointer { try extract(k, drives[k], $0) })
                } else {
                    try refactorNow()
                }
            }
            if result.count == drives.count { return result }
        }
        for start in stride(from: result.count, to: drives.count, by: Self.blockSize) {
            let block = drives[start..<min(start + Self.blockSize, drives.count)]
            let x = try factor.solve(block.flatMap(rightHandSide), count: block.count)
            lastSolution = Array(x.suffix(nodeCount))
            try x.withUnsafeBufferPointer { x in
                for (k, drive) in zip(block.indices, block) {
                    let offset = (k - start) * nodeCount
                    result.append(try extract(k, drive, UnsafeBufferPointer(rebasing: x[offset..<offset + nodeCount])))
                }
            }
        }
        return result
    }

    /// The starting guess of a stale-factor CG solve: with ``warmStarts`` the
    /// last solution (the previous pulse slot's node voltages, whose drive and conductances
    /// differ little), which ``ConjugateGradient`` drops when its residual is larger than
    /// `b`; else zero. Only where CG starts changes: it stops at the same relative residual.
    private func warmStart() -> [Double] {
        guard warmStarts, let last = lastSolution, last.count == nodeCount else { return [Double](repeating: 0, count: nodeCount) }
        return last
    }

    /// The pattern's values for the present conductances.
    private func assemble() {
        values = baseValues
        let g = conductances.elements
        values.withUnsafeMutableBufferPointer { x in
            for i in 0..<rows {
                for j in 0..<cols {
                    let k = i * cols + j
                    x[devicePosition[k]] = -g[k]
                    x[diagonalPosition[rowNode(i, j)]] += g[k]
                    x[diagonalPosition[columnNode(j, i)]] += g[k]
                }
            }
        }
    }

    /// Refuses conductances that are negative, NaN or infinite (shared with ``CrossbarLineSolver``).
    static func check(_ conductances: Matrix<Double>) throws {
        for (k, g) in conductances.elements.enumerated() where !(g >= 0 && g.isFinite) {
            throw WiredNetworkError.badConductance(row: k / conductances.cols, col: k % conductances.cols, siemens: g)
        }
    }

    /// ``check(_:)``, and the size of a network of `rows × cols` devices.
    static func check(_ conductances: Matrix<Double>, rows: Int, cols: Int) throws {
        try require(
            conductances.rows == rows && conductances.cols == cols, "conductances",
            "are \(conductances.rows)x\(conductances.cols); the network is \(rows)x\(cols)")
        try check(conductances)
    }
}

/// What a wired solver has done: for ``CrossbarNetwork`` numeric factorisations (the first
/// included) and stale-factor CG iterations (each one solve with the factor); for
/// ``CrossbarLineSolver`` updates (each factors every line) and CG iterations.
public struct SolverCounts: Sendable {
    public var factorizations = 0
    public var cgIterations = 0
}

/// The upper triangle of a symmetric matrix in compressed columns: column `c` holds the rows
/// `rowIndices[columnStarts[c]..<columnStarts[c+1]]` (ascending, all ≤ `c`, diagonal last)
/// with `values` at the same positions.
public struct NodalMatrix: Sendable {
    public let order: Int
    public let columnStarts: [Int32]
    public let rowIndices: [Int32]
    public let values: [Double]

    /// `y = A·x` for the full symmetric matrix.
    public func multiply(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        y.update(repeating: 0, count: order)
        for c in 0..<order {
            var sum = 0.0
            let xc = x[c]
            for k in Int(columnStarts[c])..<Int(columnStarts[c + 1]) {
                let r = Int(rowIndices[k])
                let a = values[k]
                sum += a * x[r]
                if r != c { y[r] += a * xc }
            }
            y[c] += sum
        }
    }
}
