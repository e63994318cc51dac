import Foundation

/// The memory a command may use, and the check that refuses a request before it allocates.
///
/// Estimates are in bytes as `Double`, so that the products of absurd sizes
/// (`--rows 100000 --cols 100000`) cannot overflow; they are measured rules of thumb for the
/// dominant allocations (see ``StepCost`` and ``BackpropCost``), meant to tell a request that
/// fits from one that cannot, not to predict the peak to the byte.
public struct MemoryBudget: Sendable, Equatable {
    /// The limit, bytes.
    public var limit: Double

    /// A budget of `limit` bytes.
    public init(limit: Double) { self.limit = limit }

    /// The default: the machine's physical memory.
    public static var machine: MemoryBudget { MemoryBudget(limit: Double(ProcessInfo.processInfo.physicalMemory)) }

    /// Parses a size such as `512M`, `16G`, `1.5GB`, `2T` or a plain byte count (binary units).
    public static func parse(_ text: String) -> MemoryBudget? {
        let units: [Character: Double] = ["K": 0x1p10, "M": 0x1p20, "G": 0x1p30, "T": 0x1p40]
        var digits = text.uppercased().trimmingCharacters(in: .whitespaces)
        if digits.hasSuffix("B") { digits.removeLast() }
        var scale = 1.0
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Double(digits), value.isFinite, value > 0 else { return nil }
        return MemoryBudget(limit: value * scale)
    }

    /// Throws a ``ParameterError`` for `option` when `bytes` exceed the limit; `request`
    /// describes what was asked for, `detail` adds figures such as time points.
    public func check(_ bytes: Double, option: String, request: String, detail: String = "") throws {
        guard bytes > limit else { return }
        throw ParameterError(
            option,
            "\(request) needs ≈ \(Self.format(bytes))\(detail.isEmpty ? "" : " (\(detail))"), more than the limit of \(Self.format(limit)) (--max-memory)")
    }

    /// `1.2 GB`, `340 MB`, `5.0e+03 TB`: decimal units, three significant digits.
    public static func format(_ bytes: Double) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = bytes
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return value >= 1000 ? String(format: "%.1e %@", value, units[unit]) : String(format: "%.3g %@", value, units[unit])
    }
}
