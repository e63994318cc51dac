import Foundation

/// The JSON form of every file and report PulseProp writes: snake_case keys, sorted,
/// pretty-printed unless it is embedded somewhere compact, and ISO 8601 dates (which a person
/// reading a run's `status.json` on a cluster can make sense of).
public enum SnakeCaseJSON {
    /// Encodes `value` with snake_case, sorted keys; `pretty` adds indentation.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
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
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: data)
    }

    /// A short reason for a decoding failure, naming the field as the file spells it.
    public static func reason(_ error: Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue.snakeCased).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing the field '\(key.stringValue.snakeCased)'"
        case DecodingError.valueNotFound(_, let context): return "a null or non-numeric value at '\(path(context))'"
        case DecodingError.typeMismatch(_, let context): return "wrong type at '\(path(context))'"
        case DecodingError.dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return "not valid JSON" }
            // The check that refused the value says why (e.g. "holds 5 values; the network needs 60").
            return "bad value at '\(path(context))' (\(context.debugDescription))"
        default: return "\(error)"
        }
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
