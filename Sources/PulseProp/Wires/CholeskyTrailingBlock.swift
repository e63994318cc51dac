import CCholmod

/// The last columns of a supernodal Cholesky factor whose analysis ordered some nodes last
/// (``CholeskyFactor/init(order:columnStarts:rowIndices:trailing:)``): with `A = [A₁₁ A₁₂; A₂₁ A₂₂]`
/// in the factor's order and the trailing nodes second, `L = [L₁₁ 0; L₂₁ L₂₂]` and
/// `L₂₂·L₂₂ᵀ = A₂₂ − A₂₁·A₁₁⁻¹·A₁₂`, the Schur complement onto the trailing nodes, so
/// `(A⁻¹)` restricted to them is `L₂₂⁻ᵀ·L₂₂⁻¹` — dense work on a small block instead of
/// sparse solves through the whole factor.
struct CholeskyTrailingBlock {
    /// The node at each trailing position, in the factor's order (the groups' order).
    let nodes: [Int]
    /// `L₂₂`, column-major `k × k` (upper triangle zero).
    let lower: [Double]
    var size: Int { nodes.count }
}

extension CholeskyFactor {
    /// The trailing block of the present factorisation, `k` = the trailing groups' node count.
    func trailingBlock() -> CholeskyTrailingBlock {
        let k = trailing.reduce(0) { $0 + $1.count }
        let f = factor.pointee
        precondition(k > 0 && f.is_super != 0, "the factor has no trailing block")
        let first = order - k
        let perm = f.Perm.assumingMemoryBound(to: Int32.self)
        let supers = f.super.assumingMemoryBound(to: Int32.self)
        let rowStarts = f.pi.assumingMemoryBound(to: Int32.self)
        let valueStarts = f.px.assumingMemoryBound(to: Int32.self)
        let rows = f.s.assumingMemoryBound(to: Int32.self)
        let x = f.x.assumingMemoryBound(to: Double.self)
        var lower = [Double](repeating: 0, count: k * k)
        // Supernodes are in column order: walk back from the last until one ends before the block.
        var s = Int(f.nsuper) - 1
        while s >= 0, Int(supers[s + 1]) > first {
            let (c0, c1) = (Int(supers[s]), Int(supers[s + 1]))
            let (r0, rowCount) = (Int(rowStarts[s]), Int(rowStarts[s + 1] - rowStarts[s]))
            let base = Int(valueStarts[s])
            for c in max(c0, first)..<c1 {
                for r in 0..<rowCount {
                    let row = Int(rows[r0 + r])
                    guard row >= c else { continue }
                    lower[(c - first) * k + row - first] = x[base + (c - c0) * rowCount + r]
                }
            }
            s -= 1
        }
        return CholeskyTrailingBlock(nodes: (first..<order).map { Int(perm[$0]) }, lower: lower)
    }
}
