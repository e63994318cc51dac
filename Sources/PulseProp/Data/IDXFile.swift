import CZlib
import Foundation

/// An IDX file (the MNIST format): a magic number giving the element type and the number of
/// dimensions, big-endian dimension sizes, then the elements. Gzip-compressed and raw files
/// are read alike. Only unsigned-byte elements (type 0x08, as in MNIST) are supported.
public struct IDXFile: Sendable {
    /// Dimension sizes, outermost first (e.g. `[60000, 28, 28]`).
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]

    /// Reads and checks the IDX file at `path`; every problem is a ``DataError`` naming it.
    public init(path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw DataError(path, "does not exist or cannot be read") }
        let data = try Self.decompress(path)
        guard data.count >= 4 else { throw DataError(path, "is truncated: \(data.count) bytes, no IDX header") }
        guard data[0] == 0, data[1] == 0 else {
            throw DataError(path, String(format: "has a wrong magic number (first bytes %02x %02x, expected 00 00): not an IDX file", data[0], data[1]))
        }
        guard data[2] == 0x08 else {
            throw DataError(path, String(format: "has element type 0x%02x; only unsigned bytes (0x08) are supported", data[2]))
        }
        let rank = Int(data[3])
        guard rank >= 1, data.count >= 4 + 4 * rank else { throw DataError(path, "is truncated inside its header") }
        dimensions = (0..<rank).map { d in
            (0..<4).reduce(0) { $0 << 8 | Int(data[4 + 4 * d + $1]) }
        }
        let expected = dimensions.reduce(1, *)
        let available = data.count - 4 - 4 * rank
        guard available >= expected else {
            throw DataError(path, "is truncated: header promises \(expected) elements (\(dimensions.map(String.init).joined(separator: "x"))), file holds \(available)")
        }
        guard available == expected else { throw DataError(path, "has \(available - expected) bytes after its last element") }
        bytes = Array(data[(4 + 4 * rank)...])
    }

    /// The whole file, gunzipped if it is gzip-compressed (zlib reads raw files as they are).
    private static func decompress(_ path: String) throws -> [UInt8] {
        guard let file = gzopen(path, "rb") else { throw DataError(path, "cannot be opened") }
        defer { gzclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
            if n < 0 { throw DataError(path, "is a corrupt gzip stream") }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        var code: Int32 = 0
        if gzerror(file, &code) != nil, code != Z_OK, code != Z_BUF_ERROR {
            throw DataError(path, "is a corrupt gzip stream (zlib error \(code))")
        }
        return out
    }
}
