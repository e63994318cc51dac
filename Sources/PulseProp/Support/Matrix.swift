/// A dense row-major matrix.
public struct Matrix<Element>: Equatable, Sendable where Element: Equatable & Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Elements in row-major order (`rows·cols`).
    public var elements: [Element]

    /// Creates a matrix from row-major elements; the count must be `rows·cols`.
    public init(rows: Int, cols: Int, elements: [Element]) {
        precondition(elements.count == rows * cols, "matrix needs \(rows * cols) elements")
        self.rows = rows
        self.cols = cols
        self.elements = elements
    }

    /// Creates a matrix whose element `(i, j)` is `value(i, j)`.
    public init(rows: Int, cols: Int, _ value: (Int, Int) -> Element) {
        var elements: [Element] = []
        elements.reserveCapacity(rows * cols)
        for i in 0..<rows { for j in 0..<cols { elements.append(value(i, j)) } }
        self.init(rows: rows, cols: cols, elements: elements)
    }

    /// Creates a matrix from a list of equally long rows.
    public init(_ rowList: [[Element]]) {
        self.init(rows: rowList.count, cols: rowList.first?.count ?? 0, elements: rowList.flatMap { $0 })
    }

    /// Element `(row, col)`.
    public subscript(row: Int, col: Int) -> Element {
        get { elements[row * cols + col] }
        set { elements[row * cols + col] = newValue }
    }

    /// The rows as nested arrays (for JSON and CSV output).
    public var rowArrays: [[Element]] {
        (0..<rows).map { Array(elements[$0 * cols..<($0 + 1) * cols]) }
    }

    /// Applies `transform` to every element.
    public func map<T>(_ transform: (Element) throws -> T) rethrows -> Matrix<T> {
        Matrix<T>(rows: rows, cols: cols, elements: try elements.map(transform))
    }
}

extension Matrix: Codable where Element: Codable {
    /// Decodes a list of equally long rows; ragged rows are a decoding error, not a crash.
    public init(from decoder: Decoder) throws {
        let rowList = try [[Element]](from: decoder)
        guard rowList.allSatisfy({ $0.count == rowList[0].count }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "matrix rows differ in length"))
        }
        self.init(rowList)
    }

    public func encode(to encoder: Encoder) throws {
        try rowArrays.encode(to: encoder)
    }
}
