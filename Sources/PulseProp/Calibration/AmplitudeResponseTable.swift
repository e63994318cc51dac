/// The state after one pulse of a given polarity and amplitude from any state: a
/// calibration's ``AmplitudeAxis`` interpolated in both axes, for an engine that knows the
/// voltage each device sees (wires).
///
/// - Bilinear: piecewise linear in the state within each amplitude's slice (the lookup of
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
/// Lookups allocate nothing and take about as long as a nominal-table lookup (31 ns against 29 ns
/// on the shared test machine, `pulseprop-bench analytic`): the slices sit in memory allocated
/// once, the amplitude's cell comes from a bucket index and its fraction from precomputed
/// reciprocal widths.
public struct AmplitudeResponseTable: Sendable {
    /// The state grid.
    public let states: [Double]
    /// Whether the calibration has an amplitude axis (else every amplitude reads the nominal table).
    public let hasAmplitudeAxis: Bool
    private let storage: Storage

    /// The table of `calibration` (which must be valid).
    public init(_ calibration: PulseResponseCalibration) {
        states = calibration.states
        hasAmplitudeAxis = calibration.amplitudeAxis != nil
        storage = Storage(calibration)
    }

    /// The grid amplitudes of `kind`'s pulses, volts (empty without an amplitude axis).
    public func amplitudes(_ kind: LearningPhase.Kind) -> [Double] {
        hasAmplitudeAxis ? Array(storage.polarity(kind).amplitudes) : []
    }

    /// The state after one pulse of `kind` whose amplitude across the device is `amplitude`
    /// volts (its magnitude: RESET amplitudes are positive too), from state `x ∈ [0, 1]`.
    @inline(__always)
    public func state(afterPulseOf kind: LearningPhase.Kind, amplitude v: Double, from x: Double) -> Double {
        let p = storage.polarity(kind)
        let grid = UnsafeBufferPointer(storage.states)
        let values = UnsafeBufferPointer(p.values)
        guard hasAmplitudeAxis else { return GridLookup(x, on: grid, spacing: storage.spacing).value(values) }
        let a = p.amplitudes
        let m = a.count
        guard v >= a[0] else { return x }
        var lo = m - 1
        if v < a[m - 1] {
            lo = Int(p.buckets[Int((v - a[0]) * p.bucketScale)])
            while a[lo] > v { lo -= 1 }
            while a[lo + 1] <= v { lo += 1 }
        }
        // a[lo] ≤ v < a[lo + 1]: at a node t is exactly 0 and its slice is read.
        let t = lo == m - 1 ? 0 : (v - a[lo]) * p.inverseWidths[lo]
        if lo < p.still, t == 0 { return x }
        let s = GridLookup(x, on: grid, spacing: storage.spacing)
        let n = grid.count
        let lower = lo < p.still ? x : s.value(values, offset: lo * n)
        return t == 0 ? lower : lower + t * (s.value(values, offset: (lo + 1) * n) - lower)
    }
}

extension AmplitudeResponseTable {
    /// The table's numbers in memory allocated once and never changed (so shared freely across
    /// threads), freed with the table.
    final class Storage: @unchecked Sendable {
        /// One polarity: its amplitudes (a single unused one without an axis), the reciprocal
        /// width of each amplitude cell, a bucket index of cells over the amplitude range, the
        /// slices flat (`values[a · states + s]`), and how many leading slices move nothing.
        struct Polarity {
            let amplitudes: UnsafeMutableBufferPointer<Double>
            let inverseWidths: UnsafeMutableBufferPointer<Double>
            let buckets: UnsafeMutableBufferPointer<Int32>
            let bucketScale: Double
            let values: UnsafeMutableBufferPointer<Double>
            let still: Int
        }

        /// Buckets of the amplitude range: a cell lookup starts at its bucket's cell and steps at most a node or two.
        static let bucketCount = 256

        let states: UnsafeMutableBufferPointer<Double>
        let spacing: Double
        let potentiation: Polarity
        let depression: Polarity

        init(_ calibration: PulseResponseCalibration) {
            states = Self.copy(calibration.states)
            spacing = GridLookup.spacing(UnsafeBufferPointer(states))
            func polarity(_ slices: AmplitudeAxis.Slices?, nominal: [Double]) -> Polarity {
                let amplitudes = slices?.amplitudes ?? [1]
                let responses = slices?.responses ?? [nominal]
                let m = amplitudes.count
                let scale = m > 1 ? Double(Self.bucketCount) / (amplitudes[m - 1] - amplitudes[0]) : 0
                let buckets = (0...Self.bucketCount).map { b in
                    Int32(amplitudes.lastIndex { $0 <= amplitudes[0] + Double(b) / scale } ?? 0)
                }
                return Polarity(
                    amplitudes: Self.copy(amplitudes),
                    inverseWidths: Self.copy(amplitudes.indices.map { $0 + 1 < m ? 1 / (amplitudes[$0 + 1] - amplitudes[$0]) : 0 }),
                    buckets: Self.copy(m > 1 ? buckets : [0]), bucketScale: scale, values: Self.copy(responses.flatMap { $0 }),
                    still: responses.firstIndex { $0 != calibration.states } ?? responses.count)
            }
            potentiation = polarity(calibration.amplitudeAxis?.potentiation, nominal: calibration.potentiation)
            depression = polarity(calibration.amplitudeAxis?.depression, nominal: calibration.depression)
        }

        deinit {
            for buffer in [states, potentiation.amplitudes, potentiation.inverseWidths, potentiation.values,
                           depression.amplitudes, depression.inverseWidths, depression.values] { buffer.deallocate() }
            potentiation.buckets.deallocate()
            depression.buckets.deallocate()
        }

        @inline(__always)
        func polarity(_ kind: LearningPhase.Kind) -> Polarity { kind == .potentiation ? potentiation : depression }

        private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = buffer.initialize(from: array)
            return buffer
        }
    }
}
