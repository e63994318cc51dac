/// The position of one device in a crossbar: row (input line) and column (output line).
public struct DeviceIndex: Codable, Hashable, Sendable {
    /// Row, from 0.
    public var row: Int
    /// Column, from 0.
    public var col: Int

    /// Creates an index.
    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}
