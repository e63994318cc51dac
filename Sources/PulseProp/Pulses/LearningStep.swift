/// One learning step of a crossbar in pulse counts: `n_x` per row, signed `n_δ` per column.
///
/// Phase 1 (potentiation) pulses every row `n_x` times and every column with `n_δ < 0`
/// `|n_δ|` times; phase 2 (depression) pulses every row again and every column with `n_δ > 0`.
/// Trains start together with one period, so a device sees `min(n_x, |n_δ|)` coincidences.
/// With `δ = y − t`, descending the loss means raising the weight where `x·δ < 0`; hence the
/// negative-δ columns take part in potentiation. ``phases`` holds this rule as data; every
/// schedule, engine and monitor iterates it.
public struct LearningStep: Codable, Equatable, Sendable {
    /// Pulse count of each row (`n_x ≥ 0`).
    public let rowCounts: [Int]
    /// Signed pulse count of each column (`n_δ`).
    public let columnCounts: [Int]
    /// Length of each phase in pulse periods (≥ every count).
    public let slotsPerPhase: Int
    /// The two phases in the order they run: potentiation (rows `+n_x`, columns with `n_δ < 0`
    /// `−|n_δ|`), then depression (rows `−n_x`, columns with `n_δ > 0` `+n_δ`).
    public let phases: [LearningPhase]
    /// The one phase that sends pulses, when the other sits out entirely (no row or column
    /// pulses): potentiation for unidirectional updates, depression for a refresh's reset.
    public let only: LearningPhase.Kind?

    private enum CodingKeys: String, CodingKey {
        case rowCounts, columnCounts, slotsPerPhase, only
    }

    /// Creates a step from counts; throws if a row count is negative or a count exceeds the
    /// phase length. With `only`, the other phase sends no pulse at all (its rows stay at 0 V).
    public init(rowCounts: [Int], columnCounts: [Int], slotsPerPhase: Int, only: LearningPhase.Kind? = nil) throws {
        try require(!rowCounts.isEmpty, "rows", "must be ≥ 1")
        try require(!columnCounts.isEmpty, "cols", "must be ≥ 1")
        try require(rowCounts.allSatisfy { $0 >= 0 }, "x", "row pulse counts must be ≥ 0")
        let longest = max(rowCounts.max()!, columnCounts.map(abs).max()!)
        try require(
            slotsPerPhase >= longest, "slotsPerPhase",
            "\(slotsPerPhase) is shorter than the longest train (\(longest) pulses)")
        self.rowCounts = rowCounts
        self.columnCounts = columnCounts
        self.slotsPerPhase = slotsPerPhase
        self.only = only
        let silentRows = [Int](repeating: 0, count: rowCounts.count)
        let silentColumns = [Int](repeating: 0, count: columnCounts.count)
        phases = [
            LearningPhase(
                kind: .potentiation, rowCounts: only == .depression ? silentRows : rowCounts,
                columnCounts: only == .depression ? silentColumns : columnCounts.map { $0 < 0 ? -$0 : 0 },
                rowPolarity: 1, columnPolarity: -1),
            LearningPhase(
                kind: .depression, rowCounts: only == .potentiation ? silentRows : rowCounts,
                columnCounts: only == .potentiation ? silentColumns : columnCounts.map { $0 > 0 ? $0 : 0 },
                rowPolarity: -1, columnPolarity: 1),
        ]
    }

    /// Decodes the counts and checks them like ``init(rowCounts:columnCounts:slotsPerPhase:)``.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            rowCounts: container.decode([Int].self, forKey: .rowCounts),
            columnCounts: container.decode([Int].self, forKey: .columnCounts),
            slotsPerPhase: container.decode(Int.self, forKey: .slotsPerPhase),
            only: container.decodeIfPresent(LearningPhase.Kind.self, forKey: .only))
    }

    /// Encodes signals with `encoding`; the phase length is `encoding.maxCount` periods.
    public init(x: [Double], delta: [Double], encoding: PulseEncoding, dither: Double = 0) throws {
        try encoding.validate()
        try self.init(
            rowCounts: x.map { encoding.count(x: $0, dither: dither) },
            columnCounts: delta.map { encoding.count(delta: $0, dither: dither) },
            slotsPerPhase: encoding.maxCount)
    }

    /// Number of rows.
    public var rows: Int { rowCounts.count }
    /// Number of columns.
    public var cols: Int { columnCounts.count }

    /// Coincident pulses at device `(row, col)`, signed by the direction of change:
    /// `+min(n_x, |n_δ|)` for potentiation (`n_δ < 0`), `−min(n_x, n_δ)` for depression.
    public func coincidences(row: Int, col: Int) -> Int {
        phases.reduce(0) { $0 + $1.rowPolarity * $1.coincidences(row: row, col: col) }
    }

    /// All coincidences as a row-major matrix.
    public var coincidenceMatrix: Matrix<Int> {
        Matrix(rows: rows, cols: cols) { coincidences(row: $0, col: $1) }
    }

    /// A device that shows the whole mechanism in one picture: it is written (coincidences
    /// ≠ 0) and its row and column counts differ, so some of its pulses are half-selected;
    /// among those the one with most coincidences (first in row-major order). Falls back to
    /// the most-written device, then to `(0, 0)`.
    public var illustrativeDevice: DeviceIndex {
        let all = (0..<rows).flatMap { i in (0..<cols).map { DeviceIndex(row: i, col: $0) } }
        let written = all.filter { coincidences(row: $0.row, col: $0.col) != 0 }
        let mixed = written.filter { rowCounts[$0.row] != abs(columnCounts[$0.col]) }
        let pool = mixed.isEmpty ? written : mixed
        return pool.max { abs(coincidences(row: $0.row, col: $0.col)) < abs(coincidences(row: $1.row, col: $1.col)) }
            ?? DeviceIndex(row: 0, col: 0)
    }
}
