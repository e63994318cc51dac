import COpenBLAS

extension CrossbarNetwork {
    /// The read's transfer matrix `T` (`cols × rows`): with every column at 0 V, column `j`
    /// collects `I_j = Σ_i T[j, i]·V_i` from row sources `V_i`. By symmetry of `G`,
    /// `T[j, i] = endConductance²·(G⁻¹)[row node (i, 0), column node (j, 0)]` (ideal wires:
    /// `T[j, i] = G_ij`).
    ///
    /// With ``Ordering/lineEndsLast`` the `R + C` line ends are the factor's last block, whose
    /// `L₂₂` factors their Schur complement (``CholeskyTrailingBlock``): `T` is then two dense
    /// triangular solves with `C` right-hand sides on an `(R + C)`-square block, an exact
    /// reformulation (it agrees with the solves below to rounding). Otherwise `cols` sparse
    /// solves through the whole factor give it.
    public func readTransfer() throws -> Matrix<Double> {
        guard let factor else { return Matrix(rows: cols, cols: rows) { conductances[$1, $0] } }
        if !factorIsCurrent { try refactorNow() }
        let g2 = endConductance * endConductance
        var transfer = Matrix(rows: cols, cols: rows, elements: [Double](repeating: 0, count: rows * cols))
        guard ordering == .lineEndsLast else {
            for start in stride(from: 0, to: cols, by: Self.blockSize) {
                let block = start..<min(start + Self.blockSize, cols)
                var b = [Double](repeating: 0, count: nodeCount * block.count)
                for (k, j) in block.enumerated() { b[k * nodeCount + columnNode(j, 0)] = 1 }
                let x = try factor.solve(b, count: block.count)
                for (k, j) in block.enumerated() {
                    for i in 0..<rows { transfer[j, i] = g2 * x[k * nodeCount + rowNode(i, 0)] }
                }
            }
            return transfer
        }
        // Positions rows..<rows+cols hold the column ends: L₂₂·Y = [0; I] leaves Y = [0; L_cc⁻¹],
        // then L₂₂ᵀ·X = Y; X's first `rows` rows are (G⁻¹)[row ends, column ends].
        let block = factor.trailingBlock()
        let k = block.size
        var x = [Double](repeating: 0, count: k * cols)
        for t in 0..<cols { x[t * k + rows + t] = 1 }
        block.lower.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                let (lcc, ycc) = (l.baseAddress! + rows * k + rows, x.baseAddress! + rows)
                cblas_dtrsm(
                    CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(cols), Int32(cols), 1, lcc, Int32(k),
                    ycc, Int32(k))
                cblas_dtrsm(
                    CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, Int32(k), Int32(cols), 1, l.baseAddress!,
                    Int32(k), x.baseAddress!, Int32(k))
            }
        }
        let rowOf = Dictionary(uniqueKeysWithValues: (0..<rows).map { (rowNode($0, 0), $0) })
        let columnOf = Dictionary(uniqueKeysWithValues: (0..<cols).map { (columnNode($0, 0), $0) })
        for t in 0..<cols {
            let j = columnOf[block.nodes[rows + t]]!
            for p in 0..<rows { transfer[j, rowOf[block.nodes[p]]!] = g2 * x[t * k + p] }
        }
        return transfer
    }
}
