/// One phase of a learning step: how many pulses each row and each column sends, and with
/// which sign.
///
/// Rows and columns pulse with opposite signs, so where both electrodes of a device pulse at
/// once the device sees the full amplitude `rowPolarity·u` and is written in the direction
/// `rowPolarity` (+1 raises the state); where one pulses alone it sees half and stays put.
/// ``LearningStep/phases`` is the one place that says which electrodes take part in which phase.
public struct LearningPhase: Equatable, Sendable {
    /// Potentiation (SET pulses, amplitude `u₊`) or depression (RESET pulses, `|u₋|`).
    public enum Kind: String, Codable, Equatable, Sendable {
        case potentiation, depression
    }

    /// Which kind of phase this is.
    public let kind: Kind
    /// Pulses each row sends in this phase.
    public let rowCounts: [Int]
    /// Pulses each column sends in this phase (0 for a column that sits the phase out).
    public let columnCounts: [Int]
    /// Sign of the row pulses: +1 in potentiation, −1 in depression; also the sign of the state
    /// change of a device this phase writes.
    public let rowPolarity: Int
    /// Sign of the column pulses, always `−rowPolarity`.
    public let columnPolarity: Int
    /// The rows that pulse in this phase (count > 0), ascending.
    public let pulsingRows: [Int]
    /// The columns that pulse in this phase (count > 0), ascending: with ``pulsingRows`` the
    /// only devices this phase can write, so engines and monitors visit them instead of the
    /// whole crossbar.
    public let pulsingColumns: [Int]

    /// A phase of these counts; `pulsingRows` are the rows with a count > 0 (the caller has them).
    init(kind: Kind, rowCounts: [Int], columnCounts: [Int], rowPolarity: Int, columnPolarity: Int, pulsingRows: [Int]) {
        (self.kind, self.rowCounts, self.columnCounts) = (kind, rowCounts, columnCounts)
        (self.rowPolarity, self.columnPolarity) = (rowPolarity, columnPolarity)
        self.pulsingRows = pulsingRows
        var columns: [Int] = []
        columnCounts.withUnsafeBufferPointer { counts in
            for j in counts.indices where counts[j] > 0 { columns.append(j) }
        }
        pulsingColumns = columns
    }

    /// Coincident pulses at device `(row, col)` in this phase, `min(rows, columns)`.
    @inlinable
    public func coincidences(row: Int, col: Int) -> Int { min(rowCounts[row], columnCounts[col]) }

    /// Pulses sent by all drivers in this phase.
    public var pulsesSent: Int {
        pulsingRows.reduce(0) { $0 + rowCounts[$1] } + pulsingColumns.reduce(0) { $0 + columnCounts[$1] }
    }
}
