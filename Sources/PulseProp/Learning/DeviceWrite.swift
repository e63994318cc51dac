/// When and how device weights are written (`--write`), one choice shared by backpropagation
/// (``DeviceWeightUpdater``) and the belief net (``PairWriteUpdater``).
public enum DeviceWrite: String, Codable, CaseIterable, Sendable {
    /// Every example's coincidence pulses, one learning step per crossbar per example
    /// (Negrov et al.'s fully local scheme). Backpropagation only.
    case perExample = "per-example"
    /// Once per minibatch: each device's summed update becomes one write. Backpropagation: the
    /// summed update in pulse quanta, rounded to one net pulse count per device (potentiation
    /// and depression of one device cancel digitally before any pulse), written row by row.
    /// Belief net: one programming pulse of dose `|c|/θ` per synapse (Wang et al.'s naive write).
    case perBatch = "per-batch"
    /// Accumulate-then-fire (Wang et al. 2022, "CDacc"): each device adds its summed update to
    /// an accumulator and fires one pulse for every `θ` accumulated, keeping the remainder
    /// (``AccumulateThenFire``).
    case accumulate

    /// The schemes that write once per minibatch (the belief net's choices).
    public static let minibatchWrites: [DeviceWrite] = [.perBatch, .accumulate]
}

/// Accumulate-then-fire: `a ← a + c`; while `|a| ≥ θ` one pulse fires and `a ← a ∓ θ`, so the
/// accumulator never holds `θ` or more after an update and every `θ` of update is one pulse.
public enum AccumulateThenFire {
    /// Adds `c` to the accumulator `a` and returns the pulses fired, signed as `a` was
    /// (0 when `|a + c| < θ`).
    @inlinable
    public static func fire(_ a: inout Float, adding c: Float, threshold theta: Float) -> Int {
        var sum = a + c
        defer { a = sum }
        guard abs(sum) >= theta else { return 0 }
        let positive = sum > 0
        let fired = (abs(sum) / theta).rounded(.down)
        sum -= (positive ? 1 : -1) * fired * theta
        return positive ? Int(fired) : -Int(fired)
    }
}
