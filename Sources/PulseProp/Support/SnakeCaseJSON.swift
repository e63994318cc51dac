import Foundation

/// The JSON form of every file and report PulseProp writes: snake_case keys, sorted, and
/// pretty-printed unless it is embedded somewhere compact.
public enum SnakeCaseJSON {
    /// Encodes `value` with snake_case, sorted keys; `pretty` adds indentation.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return try encoder.encode(value)
    }

    /// ``encode(_:pretty:)`` as a string.
    public static func string<T: Encodable>(_ value: T, pretty: Bool = true) throws -> String {
        String(decoding: try encode(value, pretty: pretty), as: UTF8.self)
    }

    /// Decodes a `T` written with snake_case keys.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

extension String {
    /// `camelCase` → `camel_case`, as ``SnakeCaseJSON`` writes keys (to name a field in an
    /// error message as the file spells it).
    var snakeCased: String {
        reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}
