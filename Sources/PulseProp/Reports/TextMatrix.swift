import Foundation

/// Renders a matrix as a right-aligned text table with row and column indices.
public enum TextMatrix {
    /// The matrix under a title line, each value printed with the `printf` `format`.
    public static func render(_ matrix: Matrix<Double>, title: String, format: String) -> String {
        let cells = matrix.map { String(format: format, $0) }
        let width = max(cells.elements.map(\.count).max() ?? 1, String(matrix.cols - 1).count + 1)
        let label = String(matrix.rows - 1).count + 1
        func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        var out = title + "\n" + pad("", label) + " "
        out += (0..<matrix.cols).map { pad("c\($0)", width) }.joined(separator: " ") + "\n"
        for i in 0..<matrix.rows {
            out += pad("r\(i)", label) + " " + (0..<matrix.cols).map { pad(cells[i, $0], width) }.joined(separator: " ") + "\n"
        }
        return out
    }
}
