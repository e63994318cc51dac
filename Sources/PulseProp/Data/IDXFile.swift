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
    /// The header is checked before the elements are read, with overflow-safe sizes, and
    /// no more elements are read than the header promises and the file holds.
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(path, errno == ENOENT ? "no such file" : "cannot be read: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw DataError(path, "is a folder, not an IDX file") }
        guard let file = gzopen(path, "rb") else { throw DataError(path, "cannot be opened") }
        defer { gzclose(file) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        try self.init(name: path) { count in
            var out: [UInt8] = []
            while out.count < count {
                let want = UInt32(min(count - out.count, chunk.count))
                let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, want) }
                if n < 0 { throw DataError(path, "is a corrupt gzip stream") }
                if n == 0 { break }
                out.append(contentsOf: chunk[0..<Int(n)])
            }
            var code: Int32 = 0
            if out.count < count, gzerror(file, &code) != nil, code != Z_OK, code != Z_BUF_ERROR {
                throw DataError(path, "is a corrupt gzip stream (zlib error \(code))")
            }
            return out
        }
    }

    /// Reads and checks an IDX file held in memory (uncompressed); `name` names it in errors.
    public init(bytes: [UInt8], name: String) throws {
        var offset = 0
        try self.init(name: name) { count in
            let end = min(offset + count, bytes.count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }

    /// Parses an IDX stream; `read(n)` returns the next `n` bytes, fewer only at its end.
    private init(name path: String, read: (Int) throws -> [UInt8]) throws {
        let magic = try read(4)
        guard magic.count == 4 else { throw DataError(path, "is truncated: \(magic.count) bytes, no IDX header") }
        guard magic[0] == 0, magic[1] == 0 else {
            throw DataError(path, String(format: "has a wrong magic number (first bytes %02x %02x, expected 00 00): not an IDX file", magic[0], magic[1]))
        }
        guard magic[2] == 0x08 else {
            throw DataError(path, String(format: "has element type 0x%02x; only unsigned bytes (0x08) are supported", magic[2]))
        }
        let rank = Int(magic[3])
        guard rank >= 1 else { throw DataError(path, "has rank 0; an IDX file needs at least one dimension") }
        let header = try read(4 * rank)
        guard header.count == 4 * rank else { throw DataError(path, "is truncated inside its header") }
        dimensions = (0..<rank).map { d in (0..<4).reduce(0) { $0 << 8 | Int(header[4 * d + $1]) } }
        let shape = dimensions.map(String.init).joined(separator: "x")
        // Every partial product (zero dimensions counted as 1) must fit an Int, so callers
        // may multiply any subset of the dimensions.
        var bound = 1
        for d in dimensions {
            let (product, overflow) = bound.multipliedReportingOverflow(by: max(d, 1))
            guard !overflow else { throw DataError(path, "has impossible dimensions \(shape): more elements than a computer can address") }
            bound = product
        }
        let expected = dimensions.reduce(1, *)
        var elements: [UInt8] = []
        while elements.count < expected {
            let part = try read(min(expected - elements.count, 1 << 20))
            if part.isEmpty { break }
            elements.append(contentsOf: part)
        }
        guard elements.count == expected else {
            throw DataError(path, "is truncated: header promises \(expected) elements (\(shape)), file holds \(elements.count)")
        }
        var extra = 0
        while case let part = try read(1 << 20), !part.isEmpty { extra += part.count }
        guard extra == 0 else { throw DataError(path, "has \(extra) bytes after its last element") }
        bytes = elements
    }
}
