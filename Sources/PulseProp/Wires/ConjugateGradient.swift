import COpenBLAS

/// Preconditioned conjugate gradient for a symmetric positive definite operator, warm-started
/// from a given guess (or from zero when the guess's residual is larger than `b`). The
/// operator and the preconditioner are closures writing into a buffer, so a solve allocates
/// its four work vectors once and nothing per iteration; the vector algebra is CBLAS (`ddot`,
/// `daxpy`; norms as `√ddot`, as the magnitudes of nodal equations never come near overflow).
///
/// Used with the Cholesky factor of a network's earlier conductances (a stale factor,
/// ``CrossbarNetwork``), with the row lines on the column lines' Schur complement
/// (``CrossbarLineSolver``), and, in `pulseprop-bench wires`, with Jacobi against both.
public struct ConjugateGradient {
    /// `y = A·x` (or `z = M⁻¹·r`): reads the first buffer, writes every entry of the second.
    public typealias Operator = (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void

    public let order: Int
    private let multiply: Operator
    private let preconditioner: Operator

    /// `multiply` applies `A`, `precondition` applies `M⁻¹` (`M` symmetric positive definite).
    public init(order: Int, multiply: @escaping Operator, precondition: @escaping Operator) {
        self.order = order
        self.multiply = multiply
        self.preconditioner = precondition
    }

    /// On a ``NodalMatrix``, Jacobi-preconditioned (the inverse diagonal).
    public init(_ matrix: NodalMatrix) {
        let inverseDiagonal = (0..<matrix.order).map { 1 / matrix.values[Int(matrix.columnStarts[$0 + 1]) - 1] }
        self.init(matrix) { r, z in
            for k in r.indices { z[k] = inverseDiagonal[k] * r[k] }
        }
    }

    /// On a ``NodalMatrix``, preconditioned by `precondition`.
    public init(_ matrix: NodalMatrix, precondition: @escaping Operator) {
        self.init(order: matrix.order, multiply: { x, y in matrix.multiply(x.baseAddress!, into: y.baseAddress!) }, precondition: precondition)
    }

    /// Solves `A·x = b` from `x`'s present value until `‖r‖ ≤ tolerance·‖b‖`; returns the
    /// iterations taken (`limit` when it did not get there).
    public func solve(_ b: [Double], _ x: inout [Double], tolerance: Double, limit: Int = 100_000) throws -> Int {
        Swift.precondition(b.count == order && x.count == order, "vectors do not match the operator")
        let work = UnsafeMutableBufferPointer<Double>.allocate(capacity: 4 * order)
        defer { work.deallocate() }
        let (r, z, p, q) = (work.slice(0, order), work.slice(1, order), work.slice(2, order), work.slice(3, order))
        return try x.withUnsafeMutableBufferPointer { x in
            let n = Int32(order)
            try multiply(UnsafeBufferPointer(x), q)
            for k in 0..<order { r[k] = b[k] - q[k] }
            let norm = cblas_ddot(n, b, 1, b, 1).squareRoot()
            // A guess worse than zero is dropped: only where CG starts changes.
            if cblas_ddot(n, r.baseAddress, 1, r.baseAddress, 1).squareRoot() >= norm {
                x.update(repeating: 0)
                _ = r.update(fromContentsOf: b)
            }
            let target = tolerance * norm
            try preconditioner(UnsafeBufferPointer(r), z)
            _ = p.update(fromContentsOf: z)
            var rz = cblas_ddot(n, r.baseAddress, 1, z.baseAddress, 1)
            for iteration in 0..<limit {
                if cblas_ddot(n, r.baseAddress, 1, r.baseAddress, 1).squareRoot() <= target { return iteration }
                try multiply(UnsafeBufferPointer(p), q)
                let alpha = rz / cblas_ddot(n, p.baseAddress, 1, q.baseAddress, 1)
                cblas_daxpy(n, alpha, p.baseAddress, 1, x.baseAddress, 1)
                cblas_daxpy(n, -alpha, q.baseAddress, 1, r.baseAddress, 1)
                try preconditioner(UnsafeBufferPointer(r), z)
                let next = cblas_ddot(n, r.baseAddress, 1, z.baseAddress, 1)
                let beta = next / rz
                rz = next
                for k in 0..<order { p[k] = z[k] + beta * p[k] }
            }
            return limit
        }
    }
}

extension UnsafeMutableBufferPointer where Element == Double {
    /// The `index`-th of consecutive `count`-long slices.
    fileprivate func slice(_ index: Int, _ count: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: self[index * count..<(index + 1) * count])
    }
}
