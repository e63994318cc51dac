/// Piecewise-linear interpolation of a monotone table on a grid, and its compositions.
struct ResponseTable: Sendable {
    /// Grid of states, increasing.
    let grid: [Double]
    /// `values[k][g]`: the state after `k` pulses from `grid[g]` (`values[0]` is the grid).
    private(set) var values: [[Double]]

    /// Starts from the one-pulse response `step` on `grid`.
    init(grid: [Double], step: [Double]) {
        self.grid = grid
        values = [grid, step]
    }

    /// `f(x)` for the table `table` by linear interpolation on the grid (clamped to its ends).
    @inline(__always)
    func interpolate(_ table: [Double], at x: Double) -> Double {
        grid.withUnsafeBufferPointer { grid in
            table.withUnsafeBufferPointer { GridLookup(x, on: grid).value($0) }
        }
    }

    /// Makes sure the composition `f^k` is tabulated up to `k` pulses.
    mutating func extend(to k: Int) {
        while values.count <= k {
            let previous = values[values.count - 1]
            values.append(previous.map { interpolate(values[1], at: $0) })
        }
    }

    /// The state after `k ≥ 0` pulses from `x` (table must be extended to `k`).
    @inline(__always)
    func state(after k: Int, from x: Double) -> Double {
        k == 0 ? x : interpolate(values[k], at: x)
    }
}
