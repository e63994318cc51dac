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
        let n = grid.count
        if x <= grid[0] { return table[0] }
        if x >= grid[n - 1] { return table[n - 1] }
        // Uniform grids (the usual case) index directly; otherwise bisect.
        var lo: Int
        let spacing = (grid[n - 1] - grid[0]) / Double(n - 1)
        let guess = Int((x - grid[0]) / spacing)
        if guess < n - 1, grid[guess] <= x, x <= grid[guess + 1] {
            lo = guess
        } else {
            lo = 0
            var hi = n - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if grid[mid] <= x { lo = mid } else { hi = mid }
            }
        }
        let t = (x - grid[lo]) / (grid[lo + 1] - grid[lo])
        return table[lo] + t * (table[lo + 1] - table[lo])
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
