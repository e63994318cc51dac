import CCholmod

/// A sparse Cholesky factorisation `A = L·Lᵀ` of a symmetric positive definite matrix with a
/// fixed pattern, through SuiteSparse's CHOLMOD.
///
/// The pattern is analysed once (fill-reducing ordering, symbolic factor); ``factorize(_:)``
/// refactors numerically whenever the values change, and ``solve(_:count:)`` solves any number
/// of right-hand sides at once. Each factorisation is checked: a matrix that is not positive
/// definite, or whose reciprocal condition estimate (CHOLMOD's `rcond`, from the diagonal of
/// `L`) falls below ``minimumReciprocalCondition``, is refused with a
/// ``WiredNetworkError``. Not thread-safe: one factor per thread.
///
/// With groups of nodes to order last (``init(order:columnStarts:rowIndices:trailing:)``) the
/// analysis orders the rest by METIS and those nodes after them, in the groups' order, and the
/// factor is supernodal: the trailing block of `L`
/// (``CholeskyTrailingBlock``) is then the Cholesky factor of their Schur complement.
final class CholeskyFactor {
    /// Order of the matrix.
    let order: Int
    /// Upper-triangular compressed-column pattern: column `c` holds rows `rowIndices[columnStarts[c]..<columnStarts[c+1]]`, all ≤ `c`.
    let columnStarts: [Int32]
    let rowIndices: [Int32]
    /// Below this reciprocal condition estimate a factorisation is refused: a solution would
    /// keep fewer than about four significant digits of double precision.
    static let minimumReciprocalCondition = 1e-12

    /// Nodes ordered last, group after group (empty: CHOLMOD's own fill-reducing ordering).
    let trailing: [[Int]]

    private let common: UnsafeMutablePointer<cholmod_common>
    private let matrix: UnsafeMutablePointer<cholmod_sparse>
    private(set) var factor: UnsafeMutablePointer<cholmod_factor>
    /// With ``simplicialSolves``, the unfactored analysis each factorisation starts from.
    private let symbolic: UnsafeMutablePointer<cholmod_factor>?
    /// Whether each factorisation is turned into simplicial form for its solves.
    let simplicialSolves: Bool
    private var solution: UnsafeMutablePointer<cholmod_dense>?
    private var workY: UnsafeMutablePointer<cholmod_dense>?
    private var workE: UnsafeMutablePointer<cholmod_dense>?
    /// The reciprocal condition estimate of the last factorisation.
    private(set) var reciprocalCondition = 0.0

    /// Analyses the pattern (the upper triangle, diagonal included, every diagonal entry
    /// present) of an `order × order` symmetric matrix; with `trailing` groups of nodes
    /// (disjoint), orders them last, group after group. With `simplicialSolves` (not with
    /// `trailing`) every factorisation is made supernodal, then converted to a simplicial `L`:
    /// single-right-hand-side solves read only its nonzeros, not the supernodes' padding
    /// (measured at 785×111: 20–30 % faster, for one conversion of about one solve's time).
    init(order: Int, columnStarts: [Int32], rowIndices: [Int32], trailing: [[Int]] = [], simplicialSolves: Bool = false) throws {
        precondition(trailing.isEmpty || !simplicialSolves, "the trailing block needs a supernodal factor")
        precondition(columnStarts.count == order + 1 && Int(columnStarts[order]) == rowIndices.count, "bad pattern")
        self.order = order
        self.columnStarts = columnStarts
        self.rowIndices = rowIndices
        self.trailing = trailing
        common = .allocate(capacity: 1)
        cholmod_start(common)
        common.pointee.print = 0
        guard let a = cholmod_allocate_sparse(order, order, rowIndices.count, 1, 1, 1, CHOLMOD_REAL, common) else {
            cholmod_finish(common)
            common.deallocate()
            throw WiredNetworkError.solver("CHOLMOD could not allocate a \(order)-node matrix")
        }
        matrix = a
        columnStarts.withUnsafeBufferPointer {
            a.pointee.p.assumingMemoryBound(to: Int32.self).update(from: $0.baseAddress!, count: order + 1)
        }
        rowIndices.withUnsafeBufferPointer {
            a.pointee.i.assumingMemoryBound(to: Int32.self).update(from: $0.baseAddress!, count: $0.count)
        }
        a.pointee.x.assumingMemoryBound(to: Double.self).update(repeating: 1, count: rowIndices.count)
        if trailing.isEmpty {
            // AMD and METIS both tried, the smaller factor kept: METIS's nested dissection cut
            // L from 4.9 M to 3.6 M nonzeros at 785×111 and its single solves by a third, for a
            // one-off 1 s more analysis.
            common.pointee.nmethods = 2
            common.pointee.method.0.ordering = CHOLMOD_AMD
            common.pointee.method.1.ordering = CHOLMOD_METIS
        }
        guard let l = trailing.isEmpty ? cholmod_analyze(a, common) : Self.analyze(a, trailing: trailing, common) else {
            var m: UnsafeMutablePointer<cholmod_sparse>? = a
            cholmod_free_sparse(&m, common)
            cholmod_finish(common)
            common.deallocate()
            throw WiredNetworkError.solver("CHOLMOD could not analyse the \(order)-node matrix (status \(common.pointee.status))")
        }
        factor = l
        self.simplicialSolves = simplicialSolves
        symbolic = simplicialSolves ? cholmod_copy_factor(l, common) : nil
        if simplicialSolves && symbolic == nil {
            throw WiredNetworkError.solver("CHOLMOD could not copy the \(order)-node analysis")
        }
    }

    /// Orders `a` by METIS nested dissection, moves `trailing`'s groups after every other
    /// node (the rest keep METIS's order) and analyses it with that ordering as given and no
    /// postorder (which could move them), so the groups stay last; checks that they did.
    /// Measured at 785×111 (one thread): CHOLMOD's constrained AMD (CAMD) with the groups as
    /// the last sets gave 5.2 GFlop and 9.8 M nonzeros in `L`, this 0.9 GFlop and 4.5 M, near
    /// unconstrained AMD's 0.8 GFlop and 4.9 M.
    private static func analyze(
        _ a: UnsafeMutablePointer<cholmod_sparse>, trailing: [[Int]], _ common: UnsafeMutablePointer<cholmod_common>
    ) -> UnsafeMutablePointer<cholmod_factor>? {
        let n = Int(a.pointee.nrow)
        var dissection = [Int32](repeating: 0, count: n)
        if cholmod_metis(a, nil, 0, 1, &dissection, common) == 0 { dissection = (0..<Int32(n)).map { $0 } }
        var isTrailing = [Bool](repeating: false, count: n)
        for node in trailing.joined() { isTrailing[node] = true }
        var permutation = dissection.filter { !isTrailing[Int($0)] }
        for nodes in trailing { permutation += nodes.map(Int32.init) }
        common.pointee.nmethods = 1
        common.pointee.method.0.ordering = CHOLMOD_GIVEN
        common.pointee.postorder = 0
        common.pointee.supernodal = CHOLMOD_SUPERNODAL
        guard let l = cholmod_analyze_p(a, &permutation, nil, 0, common) else { return nil }
        let perm = l.pointee.Perm.assumingMemoryBound(to: Int32.self)
        guard (0..<n).allSatisfy({ perm[$0] == permutation[$0] }) else {
            var f: UnsafeMutablePointer<cholmod_factor>? = l
            cholmod_free_factor(&f, common)
            common.pointee.status = CHOLMOD_INVALID
            return nil
        }
        return l
    }

    deinit {
        var m: UnsafeMutablePointer<cholmod_sparse>? = matrix
        cholmod_free_sparse(&m, common)
        var f: UnsafeMutablePointer<cholmod_factor>? = factor
        cholmod_free_factor(&f, common)
        var s = symbolic
        cholmod_free_factor(&s, common)
        cholmod_free_dense(&solution, common)
        cholmod_free_dense(&workY, common)
        cholmod_free_dense(&workE, common)
        cholmod_finish(common)
        common.deallocate()
    }

    /// Nonzeros of the factor `L` (after a factorisation).
    var factorNonzeros: Int {
        factor.pointee.is_super != 0 ? Int(factor.pointee.xsize) : Int(factor.pointee.nzmax)
    }

    /// Factors the matrix with values `values` (in the order of the pattern), reusing the
    /// symbolic analysis; throws when it is not positive definite or ill-conditioned.
    func factorize(_ values: [Double]) throws {
        precondition(values.count == rowIndices.count, "values do not match the pattern")
        values.withUnsafeBufferPointer {
            matrix.pointee.x.assumingMemoryBound(to: Double.self).update(from: $0.baseAddress!, count: $0.count)
        }
        if let symbolic, factor.pointee.is_super == 0 {
            guard let fresh = cholmod_copy_factor(symbolic, common) else {
                throw WiredNetworkError.solver("CHOLMOD could not copy the \(order)-node analysis")
            }
            var old: UnsafeMutablePointer<cholmod_factor>? = factor
            cholmod_free_factor(&old, common)
            factor = fresh
        }
        let ok = cholmod_factorize(matrix, factor, common)
        let status = common.pointee.status
        guard ok != 0, status >= CHOLMOD_OK else {
            throw WiredNetworkError.solver("CHOLMOD failed to factor the \(order)-node matrix (status \(status))")
        }
        guard status != CHOLMOD_NOT_POSDEF, factor.pointee.minor == order else {
            throw WiredNetworkError.notPositiveDefinite(nodes: order)
        }
        reciprocalCondition = cholmod_rcond(factor, common)
        guard reciprocalCondition >= Self.minimumReciprocalCondition else {
            throw WiredNetworkError.illConditioned(reciprocalCondition: reciprocalCondition)
        }
        if simplicialSolves, factor.pointee.is_super != 0, cholmod_change_factor(CHOLMOD_REAL, 1, 0, 1, 1, factor, common) == 0 {
            throw WiredNetworkError.solver("CHOLMOD could not convert the \(order)-node factor (status \(common.pointee.status))")
        }
    }

    /// Solves `A·X = B` for `count` right-hand sides stored column after column in `b`
    /// (`order·count` values); returns `X` in the same layout.
    func solve(_ b: [Double], count: Int) throws -> [Double] {
        precondition(b.count == order * count, "right-hand sides do not match the matrix")
        var x = [Double](repeating: 0, count: b.count)
        guard count > 0 else { return x }
        try b.withUnsafeBufferPointer { source in
            var dense = cholmod_dense()
            dense.nrow = order
            dense.ncol = count
            dense.nzmax = order * count
            dense.d = order
            dense.x = UnsafeMutableRawPointer(mutating: source.baseAddress!)
            dense.xtype = CHOLMOD_REAL
            dense.dtype = CHOLMOD_DOUBLE
            let ok = cholmod_solve2(CHOLMOD_A, factor, &dense, nil, &solution, nil, &workY, &workE, common)
            guard ok != 0, let solution else {
                throw WiredNetworkError.solver("CHOLMOD failed to solve (status \(common.pointee.status))")
            }
            x.withUnsafeMutableBufferPointer {
                $0.baseAddress!.update(from: solution.pointee.x.assumingMemoryBound(to: Double.self), count: order * count)
            }
        }
        return x
    }
}
