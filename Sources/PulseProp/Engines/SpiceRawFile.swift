import Foundation

/// A result file in the SPICE raw format (one plot of real vectors, as VACASK writes them):
/// a text header naming the vectors, then every point's values, binary (little-endian
/// doubles, the default) or as text.
public struct SpiceRawFile: Sendable {
    /// Vector names in file order (`time` first for a transient).
    public let names: [String]
    /// One row of values per point, in the order of ``names``.
    public let points: [[Double]]

    /// Reads the file at `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VacaskError.resultUnreadable(file: path, reason: "no such file")
        }
        try self.init(data: data, shownAs: path)
    }

    /// Parses `data`; errors name the file as `shownAs`.
    init(data: Data, shownAs file: String) throws {
        func fail(_ reason: String) -> VacaskError { .resultUnreadable(file: file, reason: reason) }
        let bytes = [UInt8](data)
        var offset = 0
        /// The next header line, without its newline.
        func line() throws -> String {
            guard let end = bytes[offset...].firstIndex(of: 0x0A) else { throw fail("the header ends early") }
            defer { offset = end + 1 }
            return String(decoding: bytes[offset..<end], as: UTF8.self)
        }
        var header: [String: String] = [:]
        var names: [String] = []
        var binary = false
        reading: while true {
            let text = try line()
            let key = text.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces).lowercased()
            let value = text.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            switch key {
            case "variables":
                let count = Int(header["no. variables"] ?? "") ?? -1
                guard count > 0 else { throw fail("no vector count before the vector list") }
                for _ in 0..<count {
                    let fields = try line().split(whereSeparator: { $0 == "\t" || $0 == " " })
                    guard fields.count >= 2 else { throw fail("unreadable vector line") }
                    names.append(String(fields[1]))
                }
            case "binary": binary = true; break reading
            case "values": break reading
            default: header[key] = value
            }
        }
        guard header["flags"]?.lowercased().contains("complex") != true else { throw fail("complex vectors are not read") }
        guard !names.isEmpty, let count = Int(header["no. points"] ?? "") else { throw fail("no vectors or point count") }
        var points: [[Double]] = []
        if binary {
            let width = names.count * 8
            guard bytes.count - offset >= count * width else { throw fail("\(count) points announced, fewer written") }
            points = bytes.withUnsafeBytes { raw in
                (0..<count).map { point in
                    (0..<names.count).map { index in
                        let at = offset + point * width + index * 8
                        return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                    }
                }
            }
        } else {
            let fields = String(decoding: bytes[offset...], as: UTF8.self).split(whereSeparator: \.isWhitespace)
            let perPoint = names.count + 1  // the point's index, then its values
            guard fields.count >= count * perPoint else { throw fail("\(count) points announced, fewer written") }
            points = try (0..<count).map { point in
                try (1..<perPoint).map { index in
                    guard let value = Double(fields[point * perPoint + index]) else { throw fail("unreadable value \(fields[point * perPoint + index])") }
                    return value
                }
            }
        }
        self.names = names
        self.points = points
    }

    /// The values of the last point by vector name (a transient's end; an operating point's
    /// only point).
    public var lastPoint: [String: Double] {
        guard let last = points.last else { return [:] }
        return Dictionary(zip(names, last), uniquingKeysWith: { first, _ in first })
    }
}
