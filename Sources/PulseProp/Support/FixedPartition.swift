/// Runs work over `0..<count` in fixed blocks shared by threads, so that results do not
/// depend on the number of threads or on their timing: the blocks are the same for any
/// thread count, each result element is computed inside one block, and there is no
/// cross-block reduction to reorder. (Fixed blocks, not one part per thread, because a GEMM's
/// rounding can depend on the size of the matrix it is given.)
public enum FixedPartition {
    /// Calls `body(t, range)` for the blocks `[k·block, min((k+1)·block, count))` of
    /// `0..<count`; thread `t` of `threads` takes the blocks `k ≡ t (mod threads)`, in order.
    /// Inline when there is one thread or one block; otherwise on a ``WorkerTeam``.
    public static func run(
        count: Int, block: Int, threads: Int, _ body: (_ thread: Int, _ range: Range<Int>) -> Void
    ) {
        let blocks = (count + block - 1) / block
        let threads = max(1, min(threads, blocks))
        func work(_ thread: Int) {
            for k in stride(from: thread, to: blocks, by: threads) {
                body(thread, k * block..<min((k + 1) * block, count))
            }
        }
        if threads == 1 {
            work(0)
        } else {
            WorkerTeam.of(size: threads).run(work)
        }
    }
}
