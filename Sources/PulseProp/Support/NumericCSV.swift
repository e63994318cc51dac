import CSV
import Foundation

/// Reads and writes headerless CSV files of numbers (signals, device states).
public enum NumericCSV {
    /// Reads every number of `path` as rows of values. Blank lines are skipped; any field
    /// that is not a finite number is an error naming the file, line and field.
    public static func rows(atPath path: String) throws -> [[Double]] {
        try rows(text: InputFile.text(atPath: path), name: path)
    }

    /// Reads every number of CSV `text` (from the file `name`) as rows of values.
    public static func rows(text: String, name path: String) throws -> [[Double]] {
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: true)
        } catch {
            throw ParameterError(path, "is not valid CSV: \(error)")
        }
        var rows: [[Double]] = []
        var line = 0
        while let fields = reader.next() {
            line += 1
            if fields.allSatisfy({ $0.isEmpty }) { continue }
            rows.append(try fields.enumerated().map { index, field in
                guard let value = Double(field), value.isFinite else {
                    throw ParameterError(path, "line \(line), field \(index + 1): '\(field)' is not a finite number")
                }
                return value
            })
        }
        if let error = reader.error { throw ParameterError(path, "is not valid CSV: \(error)") }
        return rows
    }

    /// Reads a vector of exactly `count` numbers, written on one line or one per line.
    public static func vector(atPath path: String, count: Int, name: String) throws -> [Double] {
        let rows = try rows(atPath: path)
        let values = rows.count == 1 ? rows[0] : rows.allSatisfy({ $0.count == 1 }) ? rows.map { $0[0] } : []
        try require(
            values.count == count, name,
            "\(path) must hold \(count) numbers on one line or one per line, found \(rows.map(\.count).reduce(0, +)) in \(rows.count) lines")
        return values
    }

    /// Reads a `rows × cols` matrix, one CSV line per row.
    public static func matrix(atPath path: String, rows: Int, cols: Int, name: String) throws -> Matrix<Double> {
        let lines = try self.rows(atPath: path)
        try require(lines.count == rows, name, "\(path) must have \(rows) lines, found \(lines.count)")
        for (index, line) in lines.enumerated() {
            try require(line.count == cols, name, "\(path) line \(index + 1) must have \(cols) values, found \(line.count)")
        }
        return Matrix(lines)
    }
}
