import CSV
import Foundation

/// A table written as CSV through CSV.swift's `CSVWriter` (which quotes any field that needs
/// it): the header line, then one line per row, every line ending in a newline.
public struct CSVTable {
    /// Column names.
    public let header: [String]
    /// The rows' fields, as text.
    public private(set) var rows: [[String]] = []

    /// An empty table with columns `header`.
    public init(header: [String]) { self.header = header }

    /// Adds a row; each value is written as its `description`.
    public mutating func append(_ fields: [CustomStringConvertible]) {
        rows.append(fields.map(\.description))
    }

    /// The CSV text.
    public func text() throws -> String {
        let stream = OutputStream.toMemory()
        let writer = try CSVWriter(stream: stream)
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
