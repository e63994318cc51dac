import Foundation

/// The first field in which two values of one type differ, as their JSON files spell it: how
/// a resumed run names the option that changed instead of saying "another configuration".
public struct FieldDifference: Equatable, Sendable, CustomStringConvertible {
    /// The field's snake_case key (the first differing one in sorted order).
    public var field: String
    /// The field's JSON value in the saved and in the requested value ("none": absent).
    public var saved: String
    public var requested: String

    /// E.g. `learning_rate is 0.1 in the checkpoint, 0.2 now`.
    public var description: String { "\(field) is \(saved) in the checkpoint, \(requested) now" }

    /// The first top-level field in which `saved` and `requested` differ, or nil when their
    /// JSON forms agree.
    public static func first<T: Encodable>(_ saved: T, _ requested: T) -> FieldDifference? {
        let a = fields(saved)
        let b = fields(requested)
        for key in Set(a.keys).union(b.keys).sorted() where a[key] != b[key] {
            return FieldDifference(field: key, saved: a[key] ?? "none", requested: b[key] ?? "none")
        }
        return nil
    }

    /// Top-level keys and their compact JSON text.
    private static func fields<T: Encodable>(_ value: T) -> [String: String] {
        guard let data = try? SnakeCaseJSON.encode(value, pretty: false),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object.mapValues { field in
            (try? JSONSerialization.data(withJSONObject: field, options: [.sortedKeys, .fragmentsAllowed]))
                .map { String(decoding: $0, as: UTF8.self) } ?? "\(field)"
        }
    }
}
