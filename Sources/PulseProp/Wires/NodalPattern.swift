/// Which nodes of a wired crossbar's network are joined, and the pattern of its nodal matrix's
/// upper triangle (compressed columns, diagonal last in each column). Node numbers follow
/// ``CrossbarNetwork/rowNode(_:_:)`` and ``CrossbarNetwork/columnNode(_:_:)``.
struct NodalPattern {
    /// Wire segments between neighbouring cross-points (none without segment resistance).
    let segments: [(Int, Int)]
    /// Device `(i, j)` at index `i·cols + j`: its row node and column node.
    let devices: [(Int, Int)]
    /// Each line's first node, where its driver connects.
    let lineStarts: [Int]
    let columnStarts: [Int]
    let rowIndices: [Int]
    /// Position of each node's diagonal entry.
    let diagonal: [Int]

    init(rows: Int, cols: Int, segmented: Bool) {
        let rowNode = { (i: Int, j: Int) in segmented ? i * cols + j : i }
        let columnNode = { (j: Int, i: Int) in segmented ? rows * cols + j * rows + i : rows + j }
        let order = segmented ? 2 * rows * cols : rows + cols
        var segments: [(Int, Int)] = []
        if segmented {
            for i in 0..<rows { for j in 1..<max(cols, 1) { segments.append((rowNode(i, j - 1), rowNode(i, j))) } }
            for j in 0..<cols { for i in 1..<max(rows, 1) { segments.append((columnNode(j, i - 1), columnNode(j, i))) } }
        }
        let devices = (0..<rows).flatMap { i in (0..<cols).map { j in (rowNode(i, j), columnNode(j, i)) } }
        var above = [[Int]](repeating: [], count: order)
        for (a, b) in segments + devices { above[max(a, b)].append(min(a, b)) }
        var starts = [0]
        var indices: [Int] = []
        var diagonal: [Int] = []
        indices.reserveCapacity(order + segments.count + devices.count)
        for c in 0..<order {
            indices += above[c].sorted()
            diagonal.append(indices.count)
            indices.append(c)
            starts.append(indices.count)
        }
        self.segments = segments
        self.devices = devices
        lineStarts = (0..<rows).map { rowNode($0, 0) } + (0..<cols).map { columnNode($0, 0) }
        columnStarts = starts
        rowIndices = indices
        self.diagonal = diagonal
    }

    /// Position of the off-diagonal entry joining nodes `a ≠ b`.
    func position(_ a: Int, _ b: Int) -> Int {
        let (r, c) = (min(a, b), max(a, b))
        for k in columnStarts[c]..<diagonal[c] where rowIndices[k] == r { return k }
        preconditionFailure("nodes \(a) and \(b) are not joined")
    }
}
