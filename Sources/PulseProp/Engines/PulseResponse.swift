/// A device model's answer to "where does a device at state `x` end after `pulses` coincident
/// pulses of one polarity": what a refresh asks when it plans how many pulses reprogram a
/// pair, and what the pulse gain is matched to (one pulse = one device step). The calibrated
/// ``AnalyticEngine`` answers it from its per-pulse response tables.
public protocol PulseResponse: AnyObject {
    /// The state after `pulses` (≥ 0) pulses of `kind` from `x ∈ [0, 1]`.
    func state(after pulses: Int, of kind: LearningPhase.Kind, from x: Double) -> Double
}

extension PulseResponse {
    /// The mean state change of one pulse at mid-range: `(F₊(½) − ½ + ½ − F₋(½))/2`, the
    /// device step the pulse gain is matched to.
    public var midRangeStep: Double {
        (state(after: 1, of: .potentiation, from: 0.5) - state(after: 1, of: .depression, from: 0.5)) / 2
    }
}
