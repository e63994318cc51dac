extension CrossbarStepResult {
    /// A layer's step put back together from its tiles' steps (``CrossbarTiling``): each tile's
    /// states and conductances at its rows and columns, the energies added per phase (every
    /// tile's drivers deliver their own); nil energy when the tiles report none.
    public init(tiles: [(tile: CrossbarTile, result: CrossbarStepResult)]) {
        precondition(!tiles.isEmpty, "a layer has at least one tile")
        let rows = tiles.map(\.tile.rows.upperBound).max()!, cols = tiles.map(\.tile.cols.upperBound).max()!
        let zero = Matrix(rows: rows, cols: cols) { _, _ in 0.0 }
        var (initialState, finalState, initialConductance, finalConductance) = (zero, zero, zero, zero)
        var energy: StepEnergy?
        for (tile, result) in tiles {
            initialState.setBlock(result.initialState, at: tile)
            finalState.setBlock(result.finalState, at: tile)
            initialConductance.setBlock(result.initialConductance, at: tile)
            finalConductance.setBlock(result.finalConductance, at: tile)
            if let e = result.energy {
                let sum = energy ?? StepEnergy(devices: e.devices.map { _ in 0 }, drivers: e.drivers.map { _ in 0 })
                energy = StepEnergy(devices: zip(sum.devices, e.devices).map(+), drivers: zip(sum.drivers, e.drivers).map(+))
            }
        }
        self.init(
            initialState: initialState, finalState: finalState, initialConductance: initialConductance,
            finalConductance: finalConductance, energy: energy)
    }
}
