/// When and how the differential pairs of a layer are refreshed (`--refresh-every N`,
/// `--refresh-saturation S`; see ``DeviceWeightUpdater/refresh(layer:)``).
///
/// Unidirectional updates only ever raise conductances, so both devices of a pair climb
/// until the one that should rise has no headroom left. A refresh resets both and writes the
/// difference back. It is due every ``every`` examples, or when some pair of a layer has both
/// devices at or above ``saturation``: the common level a refresh can give back (a pair with
/// one device high and the other low holds a large weight, which a refresh would rewrite
/// unchanged). A pair with a stuck device never triggers one: a refresh cannot move the stuck
/// device, so such a pair would stay "saturated" and refresh its layer again and again.
public struct PairRefresh: Equatable, Sendable {
    /// Examples between periodic refreshes (0: never).
    public var every: Int
    /// State both devices of a pair must reach to trigger a refresh of its layer (0: never).
    public var saturation: Double
    /// A reset stops adding pulses once the fully-on state is below this.
    public static let resetFloor = 1e-3
    /// The most pulses a reset or a device's reprogramming sends.
    public static let maxPulses = 10_000

    /// Creates a policy; the default never refreshes.
    public init(every: Int = 0, saturation: Double = 0) {
        self.every = every
        self.saturation = saturation
    }

    /// Whether any refresh can happen.
    public var isEnabled: Bool { every > 0 || saturation > 0 }

    /// Whether some pair of `states` (pairs in adjacent columns) has both devices at or above
    /// ``saturation``, leaving out the pairs in `stuck` (row-major pair indices: position / 2).
    public func isSaturated(_ states: Matrix<Double>, stuck: Set<Int> = []) -> Bool {
        guard saturation > 0 else { return false }
        return states.elements.withUnsafeBufferPointer { x in
            stride(from: 0, to: x.count, by: 2).contains { min(x[$0], x[$0 + 1]) >= saturation && !stuck.contains($0 / 2) }
        }
    }

    /// Whether a pair that `step` wrote (a pulsing row and a pulsing column of either device)
    /// has both devices of `states` at or above ``saturation``, leaving out the pairs in `stuck`.
    public func isSaturated(_ states: Matrix<Double>, by step: LearningStep, stuck: Set<Int> = []) -> Bool {
        guard saturation > 0 else { return false }
        let rows = step.pulsingRows
        var pairs: [Int] = []  // ascending, each once
        for j in step.columnCounts.indices where step.columnCounts[j] != 0 && pairs.last != j / 2 { pairs.append(j / 2) }
        return states.elements.withUnsafeBufferPointer { x in
            rows.contains { i in
                pairs.contains { p in
                    let first = i * states.cols + 2 * p
                    return min(x[first], x[first + 1]) >= saturation && !stuck.contains(first / 2)
                }
            }
        }
    }

    /// Whether a pair with a device at one of the row-major positions `written` (of `states`,
    /// pairs in columns `2j`, `2j + 1`) has both devices at or above ``saturation``, leaving
    /// out the pairs in `stuck`.
    public func isSaturated(_ states: Matrix<Double>, written: [Int], stuck: Set<Int> = []) -> Bool {
        guard saturation > 0 else { return false }
        return states.elements.withUnsafeBufferPointer { x in
            written.contains { k in
                let first = k - k % 2
                return min(x[first], x[first + 1]) >= saturation && !stuck.contains(first / 2)
            }
        }
    }

    /// Depression pulses that bring a fully-on device below ``resetFloor`` (at most ``maxPulses``).
    public func resetPulses(_ response: PulseResponse) -> Int {
        smallestCount(upTo: Self.maxPulses) { response.state(after: $0, of: .depression, from: 1) <= Self.resetFloor }
    }

    /// Potentiation pulses that take a device from `x` closest to `target` (at most ``maxPulses``).
    public func pulses(_ response: PulseResponse, from x: Double, to target: Double) -> Int {
        guard target > x else { return 0 }
        let k = smallestCount(upTo: Self.maxPulses) { response.state(after: $0, of: .potentiation, from: x) >= target }
        let (below, above) = (response.state(after: k - 1, of: .potentiation, from: x), response.state(after: k, of: .potentiation, from: x))
        return target - below < above - target ? k - 1 : k
    }

    /// The smallest `k ∈ [1, limit]` with `reached(k)` (`reached` monotone), or `limit`.
    private func smallestCount(upTo limit: Int, _ reached: (Int) -> Bool) -> Int {
        var (low, high) = (1, limit)
        while low < high {
            let mid = (low + high) / 2
            if reached(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
