/// The state after one pulse of a given polarity and amplitude from any state: a
/// calibration's ``AmplitudeAxis`` interpolated in both axes, for an engine that knows the
/// voltage each device sees (wires).
///
/// - Bilinear: piecewise linear in the state within each amplitude's slice (as
///   ``ResponseTable``), then linear in the amplitude between the two slices around it. Each
///   slice is order-preserving and a higher amplitude moves at least as far, so the result is
///   monotone in the state and in the amplitude.
/// - Exact at grid points: at a grid amplitude the slice is read, not blended, so at the
///   nominal amplitude the result is bit for bit what the nominal table (and the wire-free
///   ``AnalyticEngine``) gives.
/// - No movement below the lowest grid amplitude, nor up to the last of the leading slices that
///   move nothing (an ngspice grid starts below the switching threshold and has a node at it,
///   whose slices are the dead zone's no movement): the state comes back exactly as it went in.
///   Above the highest amplitude the highest slice holds. A NaN amplitude moves nothing.
/// - A calibration without an amplitude axis gives its nominal table whatever the amplitude
///   (``hasAmplitudeAxis`` is false; ``PulseResponseCalibration/requireAmplitudeAxis(name:)``
///   refuses it for wires).
///
/// Lookups allocate nothing: the slices are stored flat.
public struct AmplitudeResponseTable: Sendable {
    /// One polarity's slices, flat: `values[a * states + s]`; the first `still` slices move
    /// nothing (each equals the state grid), and there the state is returned as it is.
    struct Polarity: Sendable {
        let amplitudes: [Double]
        let values: [Double]
        let still: Int
    }

    /// The state grid.
    public let states: [Double]
    /// Whether the calibration has an amplitude axis (else every amplitude reads the nominal table).
    public let hasAmplitudeAxis: Bool
    private let potentiation: Polarity
    private let depression: Polarity

    /// The table of `calibration` (which must be valid).
    public init(_ calibration: PulseResponseCalibration) {
        states = calibration.states
        func polarity(_ slices: AmplitudeAxis.Slices?, nominal: [Double]) -> Polarity {
            guard let slices else { return Polarity(amplitudes: [.infinity], values: nominal, still: 0) }
            let still = slices.responses.firstIndex { $0 != calibration.states } ?? slices.responses.count
            return Polarity(amplitudes: slices.amplitudes, values: slices.responses.flatMap { $0 }, still: still)
        }
        hasAmplitudeAxis = calibration.amplitudeAxis != nil
        potentiation = polarity(calibration.amplitudeAxis?.potentiation, nominal: calibration.potentiation)
        depression = polarity(calibration.amplitudeAxis?.depression, nominal: calibration.depression)
    }

    /// The grid amplitudes of `kind`'s pulses, volts (empty without an amplitude axis).
    public func amplitudes(_ kind: LearningPhase.Kind) -> [Double] {
        hasAmplitudeAxis ? (kind == .potentiation ? potentiation : depression).amplitudes : []
    }

    /// The state after one pulse of `kind` whose amplitude across the device is `amplitude`
    /// volts (its magnitude: RESET amplitudes are positive too), from state `x ∈ [0, 1]`.
    @inline(__always)
    public func state(afterPulseOf kind: LearningPhase.Kind, amplitude: Double, from x: Double) -> Double {
        let table = kind == .potentiation ? potentiation : depression
        let n = states.count
        return states.withUnsafeBufferPointer { grid in
            table.amplitudes.withUnsafeBufferPointer { amplitudes in
                table.values.withUnsafeBufferPointer { values in
                    guard hasAmplitudeAxis else { return GridLookup(x, on: grid).value(values) }
                    guard amplitude >= amplitudes[0] else { return x }
                    var a = GridLookup(amplitude, on: amplitudes)
                    // At a node that ends its cell, read that node's slice rather than blend all the way to it.
                    if a.t != 0, amplitudes[a.lo + 1] == amplitude { (a.lo, a.t) = (a.lo + 1, 0) }
                    if a.lo < table.still, a.t == 0 { return x }
                    let s = GridLookup(x, on: grid)
                    let lower = a.lo < table.still ? x : s.value(values, offset: a.lo * n)
                    return a.t == 0 ? lower : lower + a.t * (s.value(values, offset: (a.lo + 1) * n) - lower)
                }
            }
        }
    }
}
