/// Signed pulse counts of a crossbar's devices in ``LearningStep``'s convention (`−n`
/// potentiates a device by `n` pulses, `+n` depresses it), holding only the devices that get
/// pulses, in row-major order: what a minibatch write sends, where at the gains that learn
/// fewer than one device in a hundred gets any.
public struct SparsePulseCounts: Equatable, Sendable {
    /// Crossbar size.
    public let rows: Int
    public let cols: Int
    /// Row-major positions `i·cols + j` of the written devices, ascending.
    public private(set) var positions: [Int] = []
    /// Their signed counts, none zero.
    public private(set) var counts: [Int] = []

    /// No pulses for a `rows × cols` crossbar.
    public init(rows: Int, cols: Int) {
        (self.rows, self.cols) = (rows, cols)
    }

    /// The non-zero counts of `dense`.
    public init(_ dense: Matrix<Int>) {
        self.init(rows: dense.rows, cols: dense.cols)
        for (k, n) in dense.elements.enumerated() where n != 0 { append(position: k, count: n) }
    }

    /// The counts `counts` (none zero) of the devices at `positions` (ascending, within the
    /// crossbar), as made by a kernel that keeps them in order.
    init(rows: Int, cols: Int, positions: [Int], counts: [Int]) {
        precondition(positions.count == counts.count, "one count per position")
        precondition(positions.last.map { $0 < rows * cols } ?? true, "positions must lie within the crossbar")
        (self.rows, self.cols) = (rows, cols)
        (self.positions, self.counts) = (positions, counts)
    }

    /// Adds `count` pulses (skipped when zero) for the device at `position`, which must come
    /// after every position already held.
    public mutating func append(position: Int, count: Int) {
        guard count != 0 else { return }
        precondition(position < rows * cols && (positions.last.map { $0 < position } ?? true), "positions must ascend within the crossbar")
        positions.append(position)
        counts.append(count)
    }

    /// Whether no device gets a pulse.
    public var isEmpty: Bool { positions.isEmpty }

    /// Every device's count, zeros included.
    public var dense: Matrix<Int> {
        var elements = [Int](repeating: 0, count: rows * cols)
        for (k, n) in zip(positions, counts) { elements[k] = n }
        return Matrix(rows: rows, cols: cols, elements: elements)
    }

    /// The written devices grouped by row, in row order: each row index with the range of
    /// ``positions`` (and ``counts``) on it.
    public var rowRanges: [(row: Int, range: Range<Int>)] {
        var ranges: [(row: Int, range: Range<Int>)] = []
        var start = 0
        while start < positions.count {
            let row = positions[start] / cols
            var end = start + 1
            while end < positions.count && positions[end] / cols == row { end += 1 }
            ranges.append((row, start..<end))
            start = end
        }
        return ranges
    }
}
