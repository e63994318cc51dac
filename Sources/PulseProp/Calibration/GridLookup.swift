/// Where a value lies on an increasing grid: the cell `lo` and the fraction `t ∈ [0, 1)` of the
/// way to the next node, clamped to the grid's ends. The one piecewise-linear lookup of the
/// response tables: ``ResponseTable`` (state axis) and ``AmplitudeResponseTable`` (state and
/// amplitude axes) both read through it. It is the lookup ``ResponseTable`` has always made,
/// bit for bit (the nominal tables' results must not change): where `t` is 0 the node's value
/// is read, not blended; a value at a node may still land at the end of the cell below it
/// (`t` = 1 after rounding), which ``AmplitudeResponseTable`` turns into a read of the node.
struct GridLookup {
    /// The cell: the largest node at or below the value (the last node for values beyond it).
    var lo: Int
    /// The fraction of the way from node `lo` to node `lo + 1` (0 at a node and beyond the ends).
    var t: Double

    /// Locates `x` on `grid` (increasing, at least 2 nodes). Uniform grids, the usual case,
    /// index directly; otherwise bisection.
    @inline(__always)
    init(_ x: Double, on grid: UnsafeBufferPointer<Double>) {
        self.init(x, on: grid, spacing: Self.spacing(grid))
    }

    /// Locates `x` on `grid` whose mean spacing, ``spacing(_:)``, a caller looking up many
    /// values has computed once.
    @inline(__always)
    init(_ x: Double, on grid: UnsafeBufferPointer<Double>, spacing: Double) {
        let n = grid.count
        if x <= grid[0] { (lo, t) = (0, 0); return }
        if x >= grid[n - 1] { (lo, t) = (n - 1, 0); return }
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
        t = (x - grid[lo]) / (grid[lo + 1] - grid[lo])
    }

    /// The spacing of `grid` if it were uniform, from which the lookup guesses the cell.
    @inline(__always)
    static func spacing(_ grid: UnsafeBufferPointer<Double>) -> Double {
        (grid[grid.count - 1] - grid[0]) / Double(grid.count - 1)
    }

    /// `values` (one per grid node, starting at `offset`) interpolated at this position.
    @inline(__always)
    func value(_ values: UnsafeBufferPointer<Double>, offset: Int = 0) -> Double {
        let a = values[offset + lo]
        return t == 0 ? a : a + t * (values[offset + lo + 1] - a)
    }
}
