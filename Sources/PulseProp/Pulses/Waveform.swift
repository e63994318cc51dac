/// A piecewise-linear voltage waveform: `(time, volts)` corners in increasing time, every
/// corner on the femtosecond ``GridTime`` grid.
public struct Waveform: Equatable, Sendable {
    /// The corners; the voltage is linear between them and constant after the last.
    public private(set) var points: [(time: GridTime, volts: Double)]

    /// A waveform that is 0 V from `t = 0`.
    public init() { points = [(.zero, 0)] }

    /// Appends a corner, skipping one at the time of the last corner (trains whose pulses
    /// touch share their boundary corner).
    public mutating func append(_ time: GridTime, _ volts: Double) {
        if let last = points.last, time <= last.time { return }
        points.append((time, volts))
    }

    /// Appends `count` trapezoidal pulses of `amplitude` volts starting at `start`, one per
    /// period of `shape`.
    public mutating func appendTrain(count: Int, amplitude: Double, start: GridTime, shape: PulseShape) {
        let (edge, plateau, period) = (shape.gridEdge, shape.gridPlateau, shape.gridPeriod)
        for k in 0..<count {
            let t0 = start + k * period
            append(t0, 0)
            append(t0 + edge, amplitude)
            append(t0 + edge + plateau, amplitude)
            append(t0 + edge + plateau + edge, 0)
        }
    }

    /// The voltage at time `t` seconds (linear interpolation between corners).
    public func voltage(at t: Double) -> Double {
        guard let next = points.firstIndex(where: { $0.time.seconds > t }) else { return points.last!.volts }
        guard next > 0 else { return points[0].volts }
        let (a, b) = (points[next - 1], points[next])
        return a.volts + (b.volts - a.volts) * (t - a.time.seconds) / (b.time.seconds - a.time.seconds)
    }

    public static func == (lhs: Waveform, rhs: Waveform) -> Bool {
        lhs.points.elementsEqual(rhs.points) { $0.time == $1.time && $0.volts == $1.volts }
    }
}
