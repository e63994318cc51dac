import PulseProp

/// Jacobi-preconditioned conjugate gradient on a ``NodalMatrix``, warm-started from a given
/// guess: the competitor the wired solver was measured against (``BenchWires``).
struct ConjugateGradient {
    let matrix: NodalMatrix
    private let inverseDiagonal: [Double]

    init(_ matrix: NodalMatrix) {
        self.matrix = matrix
        inverseDiagonal = (0..<matrix.order).map { 1 / matrix.values[Int(matrix.columnStarts[$0 + 1]) - 1] }
    }

    /// Solves `A·x = b` from `x`'s present value until `‖r‖ ≤ tolerance·‖b‖`; returns the iterations.
    func solve(_ b: [Double], _ x: inout [Double], tolerance: Double, limit: Int = 100_000) -> Int {
        let n = matrix.order
        var r = [Double](repeating: 0, count: n)
        var z = r, p = r, q = r
        x.withUnsafeBufferPointer { matrix.multiply($0.baseAddress!, into: &q) }
        for k in 0..<n { r[k] = b[k] - q[k] }
        let target = tolerance * (b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        for k in 0..<n { z[k] = inverseDiagonal[k] * r[k]; p[k] = z[k] }
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        for iteration in 0..<limit {
            if (r.reduce(0) { $0 + $1 * $1 }).squareRoot() <= target { return iteration }
            p.withUnsafeBufferPointer { matrix.multiply($0.baseAddress!, into: &q) }
            let alpha = rz / zip(p, q).reduce(0) { $0 + $1.0 * $1.1 }
            for k in 0..<n {
                x[k] += alpha * p[k]
                r[k] -= alpha * q[k]
                z[k] = inverseDiagonal[k] * r[k]
            }
            let next = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = next / rz
            rz = next
            for k in 0..<n { p[k] = z[k] + beta * p[k] }
        }
        return limit
    }
}
