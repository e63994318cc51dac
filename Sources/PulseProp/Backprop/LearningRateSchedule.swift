/// The paper's adaptive learning rate: `×1.1` after an epoch whose training error fell,
/// `×0.7` after one where it rose, unchanged when it stayed equal.
public struct LearningRateSchedule: Codable, Equatable, Sendable {
    /// Factor after an improving epoch.
    public var increase: Double = 1.1
    /// Factor after a worsening epoch.
    public var decrease: Double = 0.7

    /// Creates the paper's schedule.
    public init() {}

    /// The rate for the next epoch, given this epoch's rate and the training errors of the
    /// previous and this epoch (`previous` is nil after the first epoch: no change).
    public func next(rate: Double, previous: Double?, current: Double) -> Double {
        guard let previous else { return rate }
        if current < previous { return rate * increase }
        if current > previous { return rate * decrease }
        return rate
    }
}
