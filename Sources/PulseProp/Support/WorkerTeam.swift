import CKernels
import Foundation
import Synchronization

/// A fixed team of threads that runs one job at a time, for jobs of tens of microseconds (a
/// minibatch's product or update), where waking dispatch-queue threads costs as much as the
/// job. The caller is member 0; the other members spin-wait for the next job for
/// ``spinLimit`` before sleeping, so during training they answer within a cache-line transfer.
///
/// A member joins a job only if the caller has not finished its own part yet: a member that
/// is late (asleep, or its core taken by another process) is not waited for, so jobs must
/// share their work dynamically (``FixedPartition`` does: each member claims blocks until none
/// is left). Teams are shared per size and live for the process.
final class WorkerTeam: @unchecked Sendable {
    /// How long an idle member spins at least before it sleeps (checked every 1024 rounds, which
    /// with the yields after round 64 makes a few hundred microseconds): about the serial
    /// stretches between a minibatch's parallel parts. Longer spins cost more than they save on
    /// a virtual machine: with 2 ms, two threads were no faster than one in one MNIST run in
    /// three (the spinning seems to use up the two virtual CPUs' budget on the host); with this
    /// limit, in none of six. Checking the clock every 64 rounds (a true 100 µs) brought the
    /// slow runs back (two of six).
    static let spinLimit: Duration = .microseconds(100)

    /// Members, the caller included.
    let size: Int
    /// Counts jobs; a change tells the members a new job is there. (`entry` holds the same
    /// count, but the members poll this one: it changes once per job, while `entry` also takes
    /// every join and the close. Polling `entry` instead made two threads slower than one in
    /// three MNIST bench runs of four.)
    private let generation = Atomic<Int>(0)
    /// The current job's entry: its generation in the high bits, then a "closed" bit (set when
    /// the caller has done its part), then the number of members that joined.
    private let entry = Atomic<Int>(0)
    /// Members that joined the current job and have finished it.
    private let finished = Atomic<Int>(0)
    /// The CPU the caller ran on when it posted the current job.
    private let callerCPU = Atomic<Int>(-1)
    /// Set while a job runs, so that a second caller runs its job alone instead of waiting.
    private let busy = Atomic<Bool>(false)
    /// The current job; written before `generation` is released, read after it is acquired.
    private var job: ((Int) -> Void)?
    /// Sleeping members wait on this; `sleepers` counts them (under its lock).
    private let wake = NSCondition()
    private var sleepers = 0

    private static let closed = 1 << 16
    private static let generationShift = 17
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

    /// Calls `body(0)` on the calling thread and `body(m)` on each member `m` that joins in
    /// time, and returns when all of those have returned. If the team is already running a job
    /// (another caller), calls `body(0)` alone.
    func run(_ body: (Int) -> Void) {
        guard size > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { body in
            job = body
            finished.store(0, ordering: .relaxed)
            let current = generation.load(ordering: .relaxed) + 1
            entry.store(current << Self.generationShift, ordering: .relaxed)
            callerCPU.store(Int(pp_current_cpu()), ordering: .relaxed)
            generation.store(current, ordering: .releasing)
            wake.lock()
            if sleepers > 0 { wake.broadcast() }
            wake.unlock()
            body(0)
            let joined = entry.bitwiseOr(Self.closed, ordering: .acquiringAndReleasing).oldValue & (Self.closed - 1)
            Self.spin { finished.load(ordering: .acquiring) >= joined }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// One round of a spin-wait: a `pause`, and from the 64th round on also a `sched_yield`,
    /// which costs little when the CPU is free and hands it over when the thread being waited
    /// for shares it (the scheduler may put both threads on one CPU, where a plain spin would
    /// hold the other one off for a whole time slice).
    private static func pause(_ round: Int) {
        pp_spin_pause()
        if round >= 64 { sched_yield() }
    }

    /// Spin-waits until `done()`.
    private static func spin(until done: () -> Bool) {
        var round = 0
        while !done() {
            pause(round)
            round += 1
        }
    }

    /// Joins job `current` unless it is closed or already replaced; returns whether it joined.
    private func join(_ current: Int) -> Bool {
        var seen = entry.load(ordering: .acquiring)
        while seen >> Self.generationShift == current, seen & Self.closed == 0 {
            let (exchanged, now) = entry.compareExchange(
                expected: seen, desired: seen + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            seen = now
        }
        return false
    }

    /// A member's loop: wait for a new generation (spinning, then sleeping), join it, run its part.
    private func serve(_ member: Int) {
        var seen = 0
        let clock = ContinuousClock()
        while true {
            var spinStart = clock.now
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                Self.pause(spins)
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
            guard join(seen) else { continue }
            // Woken on the caller's CPU (where the scheduler often puts a woken thread), a
            // member would take turns with the caller instead of working beside it.
            let caller = callerCPU.load(ordering: .relaxed)
            if caller >= 0, Int(pp_current_cpu()) == caller { _ = pp_avoid_cpu(Int32(caller)) }
            job?(member)
            finished.add(1, ordering: .releasing)
        }
    }
}
