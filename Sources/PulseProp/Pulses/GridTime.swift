/// A time on the grid every pulse corner lies on: a whole number of femtoseconds.
///
/// Pulse corners are sums of whole edges, plateaus and periods. On this grid those sums are
/// exact integers — no binary round-off accumulates over hundreds of pulses — so an exported
/// time is the decimal that was meant (`80u`, not `7.999999999999999e-05`) and two times that
/// should coincide do. ``PulseShape`` rounds its durations to the grid.
public struct GridTime: Hashable, Comparable, Sendable {
    /// Whole femtoseconds.
    public let femtoseconds: Int64

    /// One grid step in seconds.
    public static let resolution = 1e-15
    /// Time zero.
    public static let zero = GridTime(femtoseconds: 0)

    /// A time of `femtoseconds` whole femtoseconds.
    public init(femtoseconds: Int64) {
        self.femtoseconds = femtoseconds
    }

    /// The grid time nearest `seconds`, which must be finite and below about 9000 s
    /// (``PulseShape/validate(for:)`` bounds every duration far below that).
    public init(seconds: Double) {
        femtoseconds = Int64((seconds / Self.resolution).rounded())
    }

    /// The time in seconds: the double nearest the exact grid value (`n / 10¹⁵`, one
    /// correctly rounded division of two exact doubles below 2⁵³ fs ≈ 9 s).
    public var seconds: Double { Double(femtoseconds) / 1e15 }

    public static func < (a: GridTime, b: GridTime) -> Bool { a.femtoseconds < b.femtoseconds }

    public static func + (a: GridTime, b: GridTime) -> GridTime { GridTime(femtoseconds: a.femtoseconds + b.femtoseconds) }

    /// `count` times `t` (traps beyond the grid's range; see ``multiple(_:by:)``).
    public static func * (count: Int, t: GridTime) -> GridTime { GridTime(femtoseconds: Int64(count) * t.femtoseconds) }

    /// `count` times `t`, or nil when the product leaves the grid's range (about ±9200 s).
    public static func multiple(_ t: GridTime, by count: Int) -> GridTime? {
        let (product, overflow) = t.femtoseconds.multipliedReportingOverflow(by: Int64(count))
        return overflow ? nil : GridTime(femtoseconds: product)
    }
}
