import CKernels

extension PulseEncoding {
    /// ``count(x:dither:)`` of `gain·v` for every `v` of `values`, in one vector kernel
    /// (``pp_pulse_counts``), and whether any count is non-zero.
    public func xCounts(_ values: UnsafeBufferPointer<Float>, gain: Double, dither: Double) -> (counts: [Int], pulses: Bool) {
        counts(values, gain: gain, lo: 0, hi: xMax, quantum: xQuantum, dither: dither)
    }

    /// ``count(delta:dither:)`` of `gain·v` for every `v` of `values`, in one vector kernel
    /// (``pp_pulse_counts``), and whether any count is non-zero.
    public func deltaCounts(_ values: UnsafeBufferPointer<Float>, gain: Double, dither: Double) -> (counts: [Int], pulses: Bool) {
        counts(values, gain: gain, lo: deltaMin, hi: deltaMax, quantum: deltaQuantum, dither: dither)
    }

    private func counts(
        _ values: UnsafeBufferPointer<Float>, gain: Double, lo: Double, hi: Double, quantum: Double, dither: Double
    ) -> (counts: [Int], pulses: Bool) {
        guard let base = values.baseAddress, !values.isEmpty else { return ([], false) }
        let mode: Int32
        switch rounding {
        case .nearest: mode = 0
        case .floor: mode = 1
        case .stochastic: mode = 2
        }
        var pulses = false
        let counts = [Int](unsafeUninitializedCapacity: values.count) { out, initialized in
            out.withMemoryRebound(to: Int64.self) { out in
                pulses = pp_pulse_counts(base, values.count, gain, lo, hi, quantum, mode, dither, out.baseAddress!) != 0
            }
            initialized = values.count
        }
        return (counts, pulses)
    }
}
