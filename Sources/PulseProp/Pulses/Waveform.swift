/// A piecewise-linear voltage waveform: `(time, volts)` corners in increasing time.
public struct Waveform: Equatable, Sendable {
    /// The corners; the voltage is linear between them and constant after the last.
    public private(set) var points: [(time: Double, volts: Double)]

    /// A waveform that is 0 V from `t = 0`.
    public init() { points = [(0, 0)] }

    /// Appends a corner, skipping one at the time of the last corner (trains whose pulses
    /// touch share their boundary corner).
    /// Times are rounded to whole femtoseconds so that exported corners read as written
    /// (`1e-05`, not `9.999999999999999e-06`).
    public mutating func append(_ time: Double, _ volts: Double) {
        let time = (time * 1e15).rounded() / 1e15
        if let last = points.last, time <= last.time { return }
        points.append((time, volts))
    }

    /// Appends `count` trapezoidal pulses of `amplitude` volts starting at `start`.
    public mutating func appendTrain(count: Int, amplitude: Double, start: Double, shape: PulseShape) {
        for k in 0..<count {
            let t0 = start + Double(k) * shape.period
            append(t0, 0)
            append(t0 + shape.edge, amplitude)
            append(t0 + shape.edge + shape.plateau, amplitude)
            append(t0 + 2 * shape.edge + shape.plateau, 0)
        }
    }

    /// The voltage at time `t` (linear interpolation between corners).
    public func voltage(at t: Double) -> Double {
        guard let next = points.firstIndex(where: { $0.time > t }) else { return points.last!.volts }
        guard next > 0 else { return points[0].volts }
        let (a, b) = (points[next - 1], points[next])
        return a.volts + (b.volts - a.volts) * (t - a.time) / (b.time - a.time)
    }

    public static func == (lhs: Waveform, rhs: Waveform) -> Bool {
        lhs.points.elementsEqual(rhs.points) { $0.time == $1.time && $0.volts == $1.volts }
    }
}
