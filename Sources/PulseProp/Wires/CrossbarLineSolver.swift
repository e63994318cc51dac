import COpenBLAS

/// Solves the nodal equations of a wired crossbar whose lines have segments — the network of
/// ``CrossbarNetwork``, same geometry and same unknowns — without factoring it: conjugate
/// gradients on the row lines' nodes alone, preconditioned by the row lines.
///
/// **Why it works.** Ordered row lines first, the nodal matrix is
/// `[A_r −G; −Gᵀ A_c]`: `A_r` holds `R` independent tridiagonal systems (each row line: its
/// segments, its end conductance, and every device's conductance on the diagonal), `A_c` the
/// `C` column lines', and `G` couples each row node to one column node through its device. A
/// line is solved exactly in `O(length)` (its `LDLᵀ` factor, ``LineFactors``). Eliminating
/// the column lines leaves the Schur complement `S = A_r − G·A_c⁻¹·Gᵀ` (symmetric positive
/// definite) for the row nodes, `S·x_r = b_r + G·A_c⁻¹·b_c`; CG on it, preconditioned by
/// `A_r⁻¹`, then `x_c = A_c⁻¹·(b_c + Gᵀ·x_r)`. An iteration costs one solve of each line
/// family and two transposes. The wires, which make the condition number grow with the
/// square of a line's length and cost a Jacobi-preconditioned CG thousands of iterations at
/// 785×110, are inside the line solves; only the weak device coupling is left to iterate:
/// 7 iterations a slot at 1 Ω per segment, about 20 at 20 Ω (785×110, `pulseprop-bench
/// wires`; docs/performance.md).
///
/// **Layout.** The row lines' nodes are stored position-major (`j·R + i`), the column lines'
/// likewise (`i·C + j`), so a line family is solved with all its lines side by side in one
/// vectorisable loop; moving between the two (the device coupling) is a transpose (OpenBLAS
/// `domatcopy`).
///
/// **Exact, not approximate:** CG stops at a relative residual of ``tolerance``, where it
/// agrees with CHOLMOD's direct solve to ~1e-11 V (tests, benchmark). The lines are factored at
/// every update of the conductances. The network's reciprocal condition is estimated as the
/// smaller of the lines' pivot ratio and a bound from the constant vector's Rayleigh quotient
/// over the largest diagonal entry (which the true value cannot exceed): below
/// ``CholeskyFactor/minimumReciprocalCondition`` the update is refused
/// (``WiredNetworkError/illConditioned(reciprocalCondition:)``) and so is every solve until a
/// good update, and a solve
/// that does not converge in ``iterationLimit`` iterations throws
/// ``WiredNetworkError/notConverged(iterations:)``. Not thread-safe.
public final class CrossbarLineSolver {
    public let rows: Int
    public let cols: Int
    /// Conductance of one segment and of a line's driver plus first segment, siemens.
    public let segmentConductance: Double
    public let endConductance: Double
    /// Relative residual at which a solve stops.
    public static let tolerance = 1e-12
    /// Iterations after which a solve gives up and throws.
    public static let iterationLimit = 2_000

    /// Whether a solve starts from the previous solution (when its residual is smaller than
    /// the drive's) rather than from zero. Only where CG starts changes.
    public var warmStarts = true
    /// Updates (each one factorisation of every line) and CG iterations so far.
    public private(set) var counts = SolverCounts()

    /// The device conductances in the row lines' layout (`j·R + i`) and the column lines' (`i·C + j`).
    private var rowConductances: [Double]
    private var columnConductances: [Double]
    private var rowLines: LineFactors
    private var columnLines: LineFactors
    /// The row lines' and the column lines' node voltages of the last solve (each layout's).
    private var rowSolution: [Double]
    private var columnSolution: [Double]
    /// Work vectors (`R·C` each).
    private var scratch: [Double]
    private var coupled: [Double]
    private var solved = false
    /// Why the present conductances cannot be solved (an ill-conditioned update): every solve
    /// throws it until an update succeeds, so failed factors are never used.
    private var refusal: WiredNetworkError?

    /// A solver for a `rows × cols` crossbar with `wiring` (segment resistance > 0) and devices at `conductances`.
    public init(wiring: CrossbarWiring, conductances: Matrix<Double>) throws {
        try wiring.validate()
        try require(wiring.segmentResistance > 0, "segment resistance", "must be > 0 for the line solver (without segments each line is one node)")
        try require(conductances.rows >= 1 && conductances.cols >= 1, "crossbar", "must have at least one row and one column")
        (rows, cols) = (conductances.rows, conductances.cols)
        segmentConductance = 1 / wiring.segmentResistance
        endConductance = 1 / (wiring.driverResistance + wiring.segmentResistance)
        let n = rows * cols
        let zeros = [Double](repeating: 0, count: n)
        (rowConductances, columnConductances, scratch, coupled, rowSolution, columnSolution) = (zeros, zeros, zeros, zeros, zeros, zeros)
        rowLines = LineFactors(lanes: rows, length: cols)
        columnLines = LineFactors(lanes: cols, length: rows)
        try update(conductances: conductances)
    }

    /// Replaces the device conductances (row-major `rows × cols`, siemens) and factors every line.
    public func update(conductances: Matrix<Double>) throws {
        try CrossbarNetwork.check(conductances, rows: rows, cols: cols)
        columnConductances = conductances.elements
        transpose(columnConductances, rows: rows, cols: cols, into: &rowConductances)
        rowLines.factor(devices: rowConductances, segment: segmentConductance, end: endConductance)
        columnLines.factor(devices: columnConductances, segment: segmentConductance, end: endConductance)
        counts.factorizations += 1
        // Two estimates, the smaller kept: the lines' pivot ratio (as CHOLMOD estimates from its
        // factor's diagonal), and a bound that the devices' coupling cannot escape:
        // λ_min ≤ the constant vector's Rayleigh quotient, `g_end·(R + C)/(2·R·C)` (the
        // Laplacian part vanishes on it), and λ_max ≥ the largest diagonal entry.
        let pivots = min(rowLines.smallestPivot, columnLines.smallestPivot) / max(rowLines.largestPivot, columnLines.largestPivot)
        let rayleigh = endConductance * Double(rows + cols) / Double(2 * rows * cols) / max(rowLines.largestDiagonal, columnLines.largestDiagonal)
        let rcond = min(pivots, rayleigh)
        refusal = rcond >= CholeskyFactor.minimumReciprocalCondition ? nil : .illConditioned(reciprocalCondition: rcond)
        if let refusal { throw refusal }
    }

    /// Solves `drive` and writes the voltage across every device, `v(row node) − v(column
    /// node)` (row-major `rows × cols`), into `deviceVoltages`; returns the voltages of the
    /// lines' first nodes (where the drivers connect), rows then columns.
    @discardableResult
    public func solve(_ drive: LineDrive, deviceVoltages: inout Matrix<Double>) throws -> [Double] {
        try drive.check(rows: rows, cols: cols)
        if let refusal { throw refusal }
        let n = rows * cols
        let gs = segmentConductance
        // The column lines' right-hand side (their first nodes), and the reduced one:
        // b̃ = b_r + G·A_c⁻¹·b_c.
        var columnDrive = [Double](repeating: 0, count: n)
        for j in 0..<cols { columnDrive[j] = drive.columns[j] * endConductance }
        var reduced = [Double](repeating: 0, count: n)
        columnLines.solve(columnDrive, into: &scratch, segment: gs)
        transpose(scratch, rows: rows, cols: cols, into: &reduced)
        reduced.withUnsafeMutableBufferPointer { multiplyElementwise($0.baseAddress!, by: rowConductances, count: n) }
        for i in 0..<rows { reduced[i] += drive.rows[i] * endConductance }
        if !(warmStarts && solved) { rowSolution = [Double](repeating: 0, count: n) }
        let cg = ConjugateGradient(
            order: n, multiply: { [unowned self] in self.multiplyReduced($0, $1) },
            precondition: { [unowned self] r, z in self.rowLines.solve(r.baseAddress!, into: z.baseAddress!, segment: gs) })
        let iterations = try cg.solve(reduced, &rowSolution, tolerance: Self.tolerance, limit: Self.iterationLimit)
        counts.cgIterations += iterations
        guard iterations < Self.iterationLimit else {
            solved = false
            throw WiredNetworkError.notConverged(iterations: iterations)
        }
        solved = true
        // x_c = A_c⁻¹·(b_c + Gᵀ·x_r); the devices see x_r − x_c.
        if deviceVoltages.rows != rows || deviceVoltages.cols != cols { deviceVoltages = Matrix(rows: rows, cols: cols, elements: [Double](repeating: 0, count: n)) }
        transpose(rowSolution, rows: cols, cols: rows, into: &deviceVoltages.elements)
        columnDrive.withUnsafeMutableBufferPointer { c in
            columnConductances.withUnsafeBufferPointer { g in
                deviceVoltages.elements.withUnsafeBufferPointer { v in for k in 0..<n { c[k] += g[k] * v[k] } }
            }
        }
        columnLines.solve(columnDrive, into: &columnSolution, segment: gs)
        deviceVoltages.elements.withUnsafeMutableBufferPointer { v in
            columnSolution.withUnsafeBufferPointer { c in for k in 0..<n { v[k] -= c[k] } }
        }
        return Array(rowSolution[0..<rows]) + Array(columnSolution[0..<cols])
    }

    /// The node voltages of the last drive solved, in ``CrossbarNetwork``'s numbering (row
    /// node `(i, j)` at `i·C + j`, column node `(j, i)` at `R·C + j·R + i`), for comparisons.
    public var nodeVoltages: [Double] {
        let n = rows * cols
        var result = [Double](repeating: 0, count: 2 * n)
        for i in 0..<rows { for j in 0..<cols { result[i * cols + j] = rowSolution[j * rows + i] } }
        for j in 0..<cols { for i in 0..<rows { result[n + j * rows + i] = columnSolution[i * cols + j] } }
        return result
    }

    /// `y = S·x`, the Schur complement `A_r − G·A_c⁻¹·Gᵀ` on the row lines' nodes: the row
    /// lines' own matrix, less what the devices return through the column lines.
    private func multiplyReduced(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>) {
        let n = rows * cols
        scratch.withUnsafeMutableBufferPointer { t in
            coupled.withUnsafeMutableBufferPointer { u in
                let (t, u) = (t.baseAddress!, u.baseAddress!)
                transpose(x.baseAddress!, rows: cols, cols: rows, into: t)
                columnConductances.withUnsafeBufferPointer { multiplyElementwise(t, by: $0.baseAddress!, count: n) }
                columnLines.solve(t, into: u, segment: segmentConductance)
                transpose(u, rows: rows, cols: cols, into: t)
                rowConductances.withUnsafeBufferPointer {
                    rowLines.multiply(x.baseAddress!, coupled: t, devices: $0.baseAddress!, segment: segmentConductance, into: y.baseAddress!)
                }
            }
        }
    }
}

/// `a[k] *= b[k]` for `k < count`.
private func multiplyElementwise(_ a: UnsafeMutablePointer<Double>, by b: UnsafePointer<Double>, count: Int) {
    for k in 0..<count { a[k] *= b[k] }
}

/// `b = aᵀ` for row-major `a` (`rows × cols`), OpenBLAS `domatcopy`.
private func transpose(_ a: UnsafePointer<Double>, rows: Int, cols: Int, into b: UnsafeMutablePointer<Double>) {
    cblas_domatcopy(CblasRowMajor, CblasTrans, Int32(rows), Int32(cols), 1, a, Int32(cols), b, Int32(rows))
}

private func transpose(_ a: [Double], rows: Int, cols: Int, into b: inout [Double]) {
    b.withUnsafeMutableBufferPointer { transpose(a, rows: rows, cols: cols, into: $0.baseAddress!) }
}

/// The `LDLᵀ` factors of a family of `lanes` parallel lines of `length` nodes each, stored
/// position-major (node `k` of line `l` at `k·lanes + l`). A line's matrix is tridiagonal:
/// off the diagonal `−g_s` between neighbours; on it the neighbouring segments, the line's
/// end conductance at its first node and its devices' conductances.
struct LineFactors {
    let lanes: Int
    let length: Int
    /// The matrix's diagonal, the pivots' reciprocals and the multipliers `−g_s/d_{k−1}` (row `k ≥ 1`).
    private(set) var diagonal: [Double]
    private var inversePivot: [Double]
    private var lower: [Double]
    private(set) var smallestPivot = 0.0
    private(set) var largestPivot = 0.0
    private(set) var largestDiagonal = 0.0

    init(lanes: Int, length: Int) {
        (self.lanes, self.length) = (lanes, length)
        (diagonal, inversePivot, lower) = ([Double](repeating: 0, count: lanes * length), [Double](repeating: 0, count: lanes * length), [Double](repeating: 0, count: lanes * length))
    }

    /// Factors the lines for device conductances `devices` (the same layout).
    mutating func factor(devices: [Double], segment gs: Double, end ge: Double) {
        let (lanes, length) = (lanes, length)
        var (smallest, largest, widest) = (Double.infinity, 0.0, 0.0)
        diagonal.withUnsafeMutableBufferPointer { d in
            inversePivot.withUnsafeMutableBufferPointer { inv in
                lower.withUnsafeMutableBufferPointer { low in
                    for k in 0..<length {
                        let wires = gs * Double((k > 0 ? 1 : 0) + (k < length - 1 ? 1 : 0)) + (k == 0 ? ge : 0)
                        for l in 0..<lanes {
                            let at = k * lanes + l
                            d[at] = devices[at] + wires
                            // m_k = d_k − g_s²/m_{k−1}; multiplier −g_s/m_{k−1}.
                            let pivot = k == 0 ? d[at] : d[at] - gs * gs * inv[at - lanes]
                            if k > 0 { low[at] = -gs * inv[at - lanes] }
                            inv[at] = 1 / pivot
                            smallest = min(smallest, pivot)
                            largest = max(largest, pivot)
                            widest = max(widest, d[at])
                        }
                    }
                }
            }
        }
        (smallestPivot, largestPivot, largestDiagonal) = (smallest, largest, widest)
    }

    /// `x = A⁻¹·b` for every line (`b` and `x` may not overlap).
    func solve(_ b: UnsafePointer<Double>, into x: UnsafeMutablePointer<Double>, segment gs: Double) {
        let (lanes, length) = (lanes, length)
        inversePivot.withUnsafeBufferPointer { inv in
            lower.withUnsafeBufferPointer { low in
                // Each loop runs over the lanes at one position, on pointers rebased outside it
                // (no index arithmetic inside, so the compiler vectorises it).
                x.update(from: b, count: lanes)
                for k in 1..<length {
                    let (xk, xb, bk, lk) = (x + k * lanes, x + (k - 1) * lanes, b + k * lanes, low.baseAddress! + k * lanes)
                    for l in 0..<lanes { xk[l] = bk[l] - lk[l] * xb[l] }
                }
                let (xl, il) = (x + (length - 1) * lanes, inv.baseAddress! + (length - 1) * lanes)
                for l in 0..<lanes { xl[l] *= il[l] }
                for k in stride(from: length - 2, through: 0, by: -1) {
                    let (xk, xa, ik) = (x + k * lanes, x + (k + 1) * lanes, inv.baseAddress! + k * lanes)
                    for l in 0..<lanes { xk[l] = (xk[l] + gs * xa[l]) * ik[l] }
                }
            }
        }
    }

    /// `y = A_lines·x − G∘coupled`: the lines' own matrix and the devices' coupling to the
    /// other family's nodes (`coupled`, transposed into this layout).
    func multiply(
        _ x: UnsafePointer<Double>, coupled: UnsafePointer<Double>, devices g: UnsafePointer<Double>, segment gs: Double,
        into y: UnsafeMutablePointer<Double>
    ) {
        let (lanes, length) = (lanes, length)
        diagonal.withUnsafeBufferPointer { d in
            for k in 0..<length {
                let at = k * lanes
                let (yk, xk, dk, gk, ck) = (y + at, x + at, d.baseAddress! + at, g + at, coupled + at)
                for l in 0..<lanes { yk[l] = dk[l] * xk[l] - gk[l] * ck[l] }
                if k > 0 {
                    let xb = x + (at - lanes)
                    for l in 0..<lanes { yk[l] -= gs * xb[l] }
                }
                if k < length - 1 {
                    let xa = x + (at + lanes)
                    for l in 0..<lanes { yk[l] -= gs * xa[l] }
                }
            }
        }
    }
}
