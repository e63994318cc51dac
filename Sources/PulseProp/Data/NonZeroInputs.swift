import CKernels

/// A dataset's non-zero inputs, example by example (compressed sparse rows): what a sparse
/// minibatch reads instead of whole input rows. For MNIST it is a third of the dense rows'
/// bytes, and the entries need no scan for non-zeros.
public final class NonZeroInputs: Sendable {
    /// Example `e`'s entries are `start[e] ..< start[e + 1]` of `column` and `value`.
    public let start: [Int]
    /// Feature index of each entry, ascending within an example.
    public let column: [Int32]
    /// Value of each entry (non-zero).
    public let value: [Float]

    /// The non-zero values of `inputs` (`features` per example), or nil when `densityBelow`
    /// or more of them are non-zero (then the dense rows are the cheaper form).
    public init?(_ inputs: [Float], features: Int, densityBelow limit: Double) {
        guard features > 0, !inputs.isEmpty else { return nil }
        let examples = inputs.count / features
        var start = [Int](repeating: 0, count: examples + 1)
        var column = [Int32]()
        var value = [Float]()
        inputs.withUnsafeBufferPointer { x in
            let x = x.baseAddress!
            for e in 0..<examples { start[e + 1] = start[e] + pp_count_nonzero(x + e * features, 1, features, features) }
            guard Double(start[examples]) < limit * Double(inputs.count) else { return }
            column = [Int32](repeating: 0, count: start[examples])
            value = [Float](repeating: 0, count: start[examples])
            column.withUnsafeMutableBufferPointer { column in
                value.withUnsafeMutableBufferPointer { value in
                    var count: Int32 = 0
                    for e in 0..<examples {
                        // One example's row list, written where its entries belong.
                        pp_row_lists(
                            x + e * features, features, features, 0, 1, features, &count, column.baseAddress! + start[e],
                            value.baseAddress! + start[e])
                    }
                }
            }
        }
        guard Double(start[examples]) < limit * Double(inputs.count) else { return nil }
        self.start = start
        self.column = column
        self.value = value
    }

    /// Example `e`'s number of entries.
    public func entries(_ e: Int) -> Int { start[e + 1] - start[e] }
}
