/// The pulse amplitudes an ngspice calibration measures, per polarity: from below the
/// switching threshold through the nominal amplitude to a little over.
///
/// With switching threshold `V` and nominal amplitude `A` the nodes are
///
/// - `A/2`, what a half-selected device sees, and `V` itself: the dead zone, where the device
///   model moves exactly nothing (not simulated; the node at `V` makes the interpolated
///   response start at the threshold, not below it);
/// - `V + f·(A − V)` for the ``overdriveFractions`` `f` (ending with `A` itself), denser near
///   the threshold, where the response turns on: the switching rate grows as the overdrive
///   `(|v|/V − 1)^α` and the pulse edges add a term in its square, so the response curves most
///   there (and, for `α > 1`, starts flat);
/// - ``overshoot``·`A`, kept below `2V` (beyond it the calibration crossbar's half-selected
///   devices would switch).
///
/// The interpolation error is measured midway between consecutive nodes from `V` up
/// (``midpoints(_:threshold:)``).
public enum AmplitudeGrid {
    /// Fractions of the way from the threshold to the nominal amplitude.
    public static let overdriveFractions: [Double] = [0, 0.05, 0.125, 0.25, 0.4, 0.6, 0.8, 1]
    /// The top node's amplitude over the nominal one.
    public static let overshoot = 1.1

    /// The nodes of a polarity with threshold `threshold` and nominal amplitude `nominal`
    /// (`threshold < nominal < 2·threshold`, as ``PulseShape/validate(for:)`` requires).
    public static func nodes(threshold: Double, nominal: Double) -> [Double] {
        let above = overdriveFractions.map { f in f == 1 ? nominal : threshold + f * (nominal - threshold) }
        let top = min(overshoot * nominal, nominal + 0.9 * (2 * threshold - nominal))
        return [nominal / 2] + above + [top]
    }

    /// The amplitudes midway between consecutive nodes at or above `threshold`.
    public static func midpoints(_ nodes: [Double], threshold: Double) -> [Double] {
        let switching = nodes.filter { $0 >= threshold }
        return zip(switching, switching.dropFirst()).map { ($0 + $1) / 2 }
    }
}
