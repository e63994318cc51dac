import CKernels

extension Array where Element: BitwiseCopyable {
    /// Asks the CPU to fetch the entries at `positions` (of 8 bytes each) into its caches
    /// before a loop that reads and writes them one by one with much work in between
    /// (``pp_prefetch_entries``): scattered entries of an array larger than the caches then
    /// arrive together instead of each stalling its own iteration.
    func prefetch(_ positions: [Int]) {
        precondition(MemoryLayout<Element>.stride == 8, "8-byte entries")
        guard !positions.isEmpty, !isEmpty else { return }
        withUnsafeBytes { base in
            positions.withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: Int64.self) { p in
                    pp_prefetch_entries(base.baseAddress!.assumingMemoryBound(to: UInt64.self), p.baseAddress!, p.count)
                }
            }
        }
    }
}
