import CKernels
import Foundation
import Synchronization

/// A fixed team of threads that runs one job at a time on all of its members, for jobs of tens
/// of microseconds (a minibatch's product or update), where waking dispatch-queue threads
/// costs as much as the job. The caller is member 0; the other members spin-wait for the next
/// job for ``spinLimit`` before sleeping, so during training they answer within a cache-line
/// transfer. Teams are shared per size and live for the process.
final class WorkerTeam: @unchecked Sendable {
    /// How long an idle member spins before it sleeps: longer than the serial stretches between
    /// a training step's parallel parts, short enough that an idle process stops using the cores.
    static let spinLimit: Duration = .milliseconds(2)

    /// Members, the caller included.
    let size: Int
    /// Counts jobs; a change tells the members a new job is there.
    private let generation = Atomic<Int>(0)
    /// Members other than the caller still working on the current job.
    private let remaining = Atomic<Int>(0)
    /// Set while a job runs, so that a second caller runs its job alone instead of waiting.
    private let busy = Atomic<Bool>(false)
    /// The current job; written before `generation` is released, read after it is acquired.
    private var job: ((Int) -> Void)?
    /// Sleeping members wait on this; `sleepers` counts them (under its lock).
    private let wake = NSCondition()
    private var sleepers = 0

    private static let teams = Mutex<[Int: WorkerTeam]>([:])

    /// The team of `size` members (created on first use).
    static func of(size: Int) -> WorkerTeam {
        teams.withLock { teams in
            if let team = teams[size] { return team }
            let team = WorkerTeam(size: size)
            teams[size] = team
            return team
        }
    }

    private init(size: Int) {
        self.size = size
        for member in 1..<max(size, 1) {
            let thread = Thread { [unowned self] in self.serve(member) }
            thread.name = "pulseprop-worker-\(member)"
            thread.start()
        }
    }

    /// Calls `body(m)` for every member `m` in `0..<size`, `m = 0` on the calling thread, and
    /// returns when all have returned. If the team is already running a job (another caller),
    /// runs every member's part on the calling thread instead, in member order.
    func run(_ body: (Int) -> Void) {
        guard size > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for member in 0..<size { body(member) }
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(size - 1, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            wake.lock()
            if sleepers > 0 { wake.broadcast() }
            wake.unlock()
            body(0)
            while remaining.load(ordering: .acquiring) > 0 { pp_spin_pause() }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// A member's loop: wait for a new generation (spinning, then sleeping), run its part.
    private func serve(_ member: Int) {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var spinStart = clock.now
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                pp_spin_pause()
                spins += 1
                if spins & 1023 != 0 || clock.now - spinStart < Self.spinLimit { continue }
                wake.lock()
                sleepers += 1
                while generation.load(ordering: .acquiring) == seen { wake.wait() }
                sleepers -= 1
                wake.unlock()
                spinStart = clock.now
            }
            seen = generation.load(ordering: .acquiring)
            job?(member)
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
