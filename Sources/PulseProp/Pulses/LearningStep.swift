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
    /// The rows that pulse (`n_x > 0`), ascending.
    public let pulsingRows: [Int]
    /// The columns that pulse in either phase, ascending: with ``pulsingRows`` the devices the
    /// step can write.
    public let pulsingColumns: [Int]
    /// The longest row train, `max n_x`.
    public let longestRowTrain: Int
    /// The longest column train, `max |n_δ|`.
    public let longestColumnTrain: Int

    private enum CodingKeys: String, CodingKey {
        case rowCounts, columnCounts, slotsPerPhase, only
    }

    /// Creates a step from counts; throws if a row count is negative or a count exceeds the
    /// phase length. With `only`, the other phase sends no pulse at all (its rows stay at 0 V).
    public init(rowCounts: [Int], columnCounts: [Int], slotsPerPhase: Int, only: LearningPhase.Kind? = nil) throws {
        try require(!rowCounts.isEmpty, "rows", "must be ≥ 1")
        try require(!columnCounts.isEmpty, "cols", "must be ≥ 1")
        // One pass over each list: the checks, the longest trains and the pulsing rows.
        var (lowestRow, longestRow, longestColumn) = (0, 0, 0)
        var pulsingRows: [Int] = []
        rowCounts.withUnsafeBufferPointer { counts in
            for i in counts.indices where counts[i] != 0 {
                (lowestRow, longestRow) = (min(lowestRow, counts[i]), max(longestRow, counts[i]))
                pulsingRows.append(i)
            }
        }
        try require(lowestRow >= 0, "x", "row pulse counts must be ≥ 0")
        columnCounts.withUnsafeBufferPointer { counts in
            for n in counts { longestColumn = max(longestColumn, abs(n)) }
        }
        let longest = max(longestRow, longestColumn)
        try require(
            slotsPerPhase >= longest, "slotsPerPhase",
            "\(slotsPerPhase) is shorter than the longest train (\(longest) pulses)")
        self.rowCounts = rowCounts
        self.columnCounts = columnCounts
        self.slotsPerPhase = slotsPerPhase
        self.only = only
        (longestRowTrain, longestColumnTrain) = (longestRow, longestColumn)
        let silentRows = only == nil ? [] : [Int](repeating: 0, count: rowCounts.count)
        let silentColumns = only == nil ? [] : [Int](repeating: 0, count: columnCounts.count)
        phases = [
            LearningPhase(
                kind: .potentiation, rowCounts: only == .depression ? silentRows : rowCounts,
                columnCounts: only == .depression ? silentColumns : columnCounts.map { $0 < 0 ? -$0 : 0 },
                rowPolarity: 1, columnPolarity: -1, pulsingRows: only == .depression ? [] : pulsingRows),
            LearningPhase(
                kind: .depression, rowCounts: only == .potentiation ? silentRows : rowCounts,
                columnCounts: only == .potentiation ? silentColumns : columnCounts.map { $0 > 0 ? $0 : 0 },
                rowPolarity: -1, columnPolarity: 1, pulsingRows: only == .potentiation ? [] : pulsingRows),
        ]
        self.pulsingRows = pulsingRows
        pulsingColumns = Self.union(phases[0].pulsingColumns, phases[1].pulsingColumns)
    }

    /// The union of two ascending lists, ascending.
    private static func union(_ a: [Int], _ b: [Int]) -> [Int] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var (merged, p, q) = ([Int](), 0, 0)
        merged.reserveCapacity(a.count + b.count)
        while p < a.count || q < b.count {
            if q == b.count || (p < a.count && a[p] < b[q]) {
                merged.append(a[p])
                p += 1
            } else {
                if p < a.count, a[p] == b[q] { p += 1 }
                merged.append(b[q])
                q += 1
            }
        }
        return merged
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
