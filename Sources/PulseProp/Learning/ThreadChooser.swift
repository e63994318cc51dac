/// Chooses, minibatch by minibatch, between a team of threads and one thread, whichever trains
/// faster at the moment. On a virtual machine two virtual CPUs are at times no faster than one
/// for spells of seconds (the blocks themselves run slower while both are busy, as if they
/// shared one core of the host), and then the team only adds its hand-overs.
///
/// Minibatches go in cycles of ``cycle``: the first ``probe`` of a cycle run on the choice not
/// in use, the rest on the one in use; the first minibatch after a change is not timed (it
/// wakes the worker and refills caches). At the end of a cycle the other choice is taken if
/// its mean minibatch time was at least ``margin`` below that of the choice in use.
///
/// Which threads compute a minibatch does not change its results (``FixedPartition``), so the
/// choice changes only the time.
struct ThreadChooser {
    static let cycle = 64
    static let probe = 4
    static let margin = 0.05

    /// The team's size (the run's `--threads`).
    let team: Int
    /// The choice in use: `team` or 1.
    private(set) var preferred: Int
    /// Minibatches done in the current cycle.
    private var position = 0
    /// Summed seconds and counts of the timed minibatches of this cycle, on the choice in use
    /// and on the other one.
    private var inUse = (seconds: 0.0, count: 0)
    private var other = (seconds: 0.0, count: 0)
    /// When the minibatch running now started (nil before the first epoch).
    private var started: UInt64?

    init(team: Int) {
        self.team = team
        preferred = team
    }

    /// Threads for the minibatch at `position` of a cycle.
    var threads: Int { position < Self.probe ? alternative : preferred }

    private var alternative: Int { preferred == 1 ? team : 1 }

    /// A new epoch starts at `now` (nanoseconds); the time since the last minibatch (evaluation,
    /// checkpoints) is not a minibatch's.
    mutating func startEpoch(now: UInt64) {
        started = now
    }

    /// The minibatch that ran on ``threads`` ended at `now` (nanoseconds); the next one starts.
    mutating func endMinibatch(now: UInt64) {
        if let started, position != 0, position != Self.probe {
            let seconds = Double(now &- started) / 1e9
            if position < Self.probe {
                other = (other.seconds + seconds, other.count + 1)
            } else {
                inUse = (inUse.seconds + seconds, inUse.count + 1)
            }
        }
        started = now
        position += 1
        guard position == Self.cycle else { return }
        if other.count > 0, inUse.count > 0,
            other.seconds / Double(other.count) < (1 - Self.margin) * inUse.seconds / Double(inUse.count)
        {
            preferred = alternative
        }
        (position, inUse, other) = (0, (0, 0), (0, 0))
    }
}
