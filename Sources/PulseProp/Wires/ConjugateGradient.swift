/// Preconditioned conjugate gradient on a ``NodalMatrix``, warm-started from a given guess.
/// The preconditioner is Jacobi (the inverse diagonal) or any solve: ``CrossbarNetwork`` uses
/// the Cholesky factor of the network's earlier conductances (a stale factor) after an update
/// without refactoring; `pulseprop-bench wires` also times Jacobi against CHOLMOD.
public struct ConjugateGradient {
    public let matrix: NodalMatrix
    private let precondition: ([Double]) throws -> [Double]

    /// Jacobi-preconditioned.
    public init(_ matrix: NodalMatrix) {
        let inverseDiagonal = (0..<matrix.order).map { 1 / matrix.values[Int(matrix.columnStarts[$0 + 1]) - 1] }
        self.init(matrix) { r in zip(inverseDiagonal, r).map { $0 * $1 } }
    }

    /// Preconditioned by `precondition` (`z = M⁻¹·r`, `M` symmetric positive definite).
    public init(_ matrix: NodalMatrix, precondition: @escaping ([Double]) throws -> [Double]) {
        self.matrix = matrix
        self.precondition = precondition
    }

    /// Solves `A·x = b` from `x`'s present value until `‖r‖ ≤ tolerance·‖b‖`; returns the
    /// iterations taken (`limit` when it did not get there).
    public func solve(_ b: [Double], _ x: inout [Double], tolerance: Double, limit: Int = 100_000) throws -> Int {
        let n = matrix.order
        var q = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { matrix.multiply($0.baseAddress!, into: &q) }
        var r = zip(b, q).map { $0 - $1 }
        let target = tolerance * (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        var z = try precondition(r)
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        for iteration in 0..<limit {
            if (r.reduce(0) { $0 + $1 * $1 }).squareRoot() <= target { return iteration }
            p.withUnsafeBufferPointer { matrix.multiply($0.baseAddress!, into: &q) }
            let alpha = rz / zip(p, q).reduce(0) { $0 + $1.0 * $1.1 }
            for k in 0..<n {
                x[k] += alpha * p[k]
                r[k] -= alpha * q[k]
            }
            z = try precondition(r)
            let next = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = next / rz
            rz = next
            for k in 0..<n { p[k] = z[k] + beta * p[k] }
        }
        return limit
    }
}
