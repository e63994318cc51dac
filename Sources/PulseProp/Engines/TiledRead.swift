extension CrossbarCircuit {
    /// A layer's read, `I_j − I_ref` per read, from its tiles' reads
    /// (``CrossbarTiling``): `read(tile, its states, each read's voltages on its rows)` gives
    /// the tile's own differential currents (its columns into its own sense amplifiers, less
    /// its own reference column's), and the partial sums of a column's tiles are added
    /// digitally, row band after row band. Untiled, the one tile's read is returned as it is.
    func tiledDifferentialCurrents(
        states: Matrix<Double>, voltages: [[Double]],
        read: (CrossbarTile, Matrix<Double>, [[Double]]) throws -> [[Double]]
    ) throws -> [[Double]] {
        for v in voltages {
            try require(v.count == states.rows, "read-voltage", "\(v.count) row voltages for \(states.rows) rows")
        }
        let tiles = self.tiles(rows: states.rows, cols: states.cols)
        if tiles.count == 1 { return try read(tiles[0], states, voltages) }
        var sums = [[Double]](repeating: [Double](repeating: 0, count: states.cols), count: voltages.count)
        for tile in tiles {
            let partial = try read(tile, states.block(tile), voltages.map { Array($0[tile.rows]) })
            for (b, currents) in partial.enumerated() {
                for (k, j) in tile.cols.enumerated() { sums[b][j] += currents[k] }
            }
        }
        return sums
    }
}
