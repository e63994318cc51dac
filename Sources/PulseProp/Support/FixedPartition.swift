import Synchronization

/// Runs work over `0..<count` in fixed blocks shared by threads, so that results do not
/// depend on the number of threads or on their timing: the blocks are the same for any
/// thread count, each result element is computed inside one block, and there is no
/// cross-block reduction to reorder. (Fixed blocks, not one part per thread, because a GEMM's
/// rounding can depend on the size of the matrix it is given.)
public enum FixedPartition {
    /// Calls `body(range)` for the blocks `[k·block, min((k+1)·block, count))` of `0..<count`,
    /// on up to `threads` threads of a ``WorkerTeam``: each thread claims the next unclaimed
    /// block until none is left, so a thread that starts late (asleep, or its core taken by
    /// another process) leaves its blocks to the others instead of holding them up. Which
    /// thread computes a block does not change its result. Inline when there is one thread or
    /// one block.
    public static func run(count: Int, block: Int, threads: Int, _ body: (_ range: Range<Int>) -> Void) {
        let blocks = (count + block - 1) / block
        let threads = max(1, min(threads, blocks))
        func range(_ k: Int) -> Range<Int> { k * block..<min((k + 1) * block, count) }
        if threads == 1 {
            for k in 0..<blocks { body(range(k)) }
            return
        }
        let next = BlockCounter()
        WorkerTeam.of(size: threads).run { _ in
            while true {
                let k = next.claim()
                if k >= blocks { return }
                body(range(k))
            }
        }
    }
}

/// The next unclaimed block of a ``FixedPartition`` run.
private final class BlockCounter: Sendable {
    private let next = Atomic<Int>(0)

    /// Claims a block: 0, 1, 2, … across all callers.
    func claim() -> Int { next.add(1, ordering: .relaxed).oldValue }
}
