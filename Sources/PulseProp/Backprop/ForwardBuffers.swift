import Foundation

/// Inputs, hidden activities and outputs of up to `capacity` examples, with the constant
/// bias input of 1 appended to each input and hidden row.
public struct ForwardBuffers {
    /// Examples the buffers hold at most.
    public let capacity: Int
    /// `capacity × (inputs+1)`; the last column is 1.
    public var input: [Float] { didSet { inputListsCurrent = false } }
    /// `capacity × (hidden+1)`; the last column is 1.
    public var hiddenActivity: [Float]
    /// `capacity × outputs`.
    public var output: [Float]
    private let inputs: Int
    private let outputs: Int
    /// The loaded examples' non-zero inputs, the bias input included, one list per example.
    private var inputRows = Kernels.SparseLists()
    /// Whether `inputRows` holds the rows of `input` (set by a load from a dataset with
    /// ``Dataset/nonZero``, cleared by any change to `input`).
    private var inputListsCurrent = false
    /// Row lists of a layer's dense inputs, made by ``Network/forward`` for its sparse product
    /// (shared by copies of the buffers, so they must not run `forward` at once).
    let scratchRows = Kernels.SparseLists()

    /// The non-zero values of the loaded input rows (bias input included) as row lists, when
    /// the last ``load(_:indices:threads:)`` read them from ``Dataset/nonZero`` and `input` has
    /// not been changed since; nil otherwise.
    public var inputLists: Kernels.SparseLists? { inputListsCurrent ? inputRows : nil }

    /// Allocates buffers for `capacity` examples of `network`.
    public init(capacity: Int, network: Network) {
        self.capacity = capacity
        inputs = network.inputs
        outputs = network.outputs
        input = [Float](repeating: 1, count: capacity * (network.inputs + 1))
        hiddenActivity = [Float](repeating: 1, count: capacity * (network.hidden + 1))
        output = [Float](repeating: 0, count: capacity * network.outputs)
    }

    /// Copies the examples `indices` of `data` into the input rows, shared between `threads`
    /// threads (the copies of random rows of a large dataset wait on memory, so two cores
    /// fetch nearly twice as fast). From a dataset with ``Dataset/nonZero`` only the non-zero
    /// values are read, into the zeroed rows and into ``inputLists``.
    public mutating func load<C: Collection>(_ data: Dataset, indices: C, threads: Int = 1) where C.Element == Int {
        let stride = inputs + 1
        let rows = Array(indices)
        let inputs = inputs
        guard let sparse = data.nonZero else {
            data.inputs.withUnsafeBufferPointer { source in
                input.withUnsafeMutableBufferPointer { target in
                    let (source, target) = (source.baseAddress!, target.baseAddress!)
                    FixedPartition.run(count: rows.count, block: 16, threads: threads) { part in
                        for b in part {
                            (target + b * stride).update(from: source + rows[b] * inputs, count: inputs)
                        }
                    }
                }
            }
            return
        }
        if !isKnownUniquelyReferenced(&inputRows) { inputRows = Kernels.SparseLists() }
        inputRows.reserve(lists: capacity, room: stride)
        let lists = inputRows
        rows.withUnsafeBufferPointer { examples in
            input.withUnsafeMutableBufferPointer { target in
                let (examples, target) = (examples.baseAddress!, target.baseAddress!)
                FixedPartition.run(count: rows.count, block: 16, threads: threads) { part in
                    lists.gatherRows(of: sparse, examples: examples, range: part, features: inputs, into: target, xStride: stride)
                    for b in part { lists.append(toRow: b, position: inputs, value: 1) }
                }
            }
        }
        inputListsCurrent = true
    }

    /// Misclassified examples (arg-max output ≠ label) and the summed binary cross-entropy.
    public func score<C: Collection>(labels: [Int], indices: C) -> (wrong: Int, loss: Double) where C.Element == Int {
        var wrong = 0
        var loss = 0.0
        for (b, index) in indices.enumerated() {
            let example = score(example: b, label: labels[index])
            wrong += example.wrong ? 1 : 0
            loss += example.loss
        }
        return (wrong, loss)
    }

    /// Whether row `b`'s arg-max output misses `label`, and its binary cross-entropy
    /// `−Σ_o [t_o log y_o + (1 − t_o) log(1 − y_o)]` (outputs clipped to `[1e-7, 1 − 1e-7]`).
    public func score(example b: Int, label: Int) -> (wrong: Bool, loss: Double) {
        var best = 0
        var loss = 0.0
        for o in 0..<outputs {
            let y = Double(output[b * outputs + o])
            let clipped = min(max(y, 1e-7), 1 - 1e-7)
            loss -= label == o ? log(clipped) : log(1 - clipped)
            if output[b * outputs + o] > output[b * outputs + best] { best = o }
        }
        return (best != label, loss)
    }
}

/// Computes one layer's product `z = x·W` in place of the ideal matrix product, e.g. by
/// reading a crossbar in SPICE (``CircuitReadout``).
public protocol LayerProduct: AnyObject {
    /// Writes `z[b, j] = Σ_i x[b, i]·w[i, j]` for `count` examples: `x` has `rows` columns
    /// with stride `inputStride`, `w` is `rows × cols` row-major, `z` has stride `outputStride`.
    func multiply(
        layer: Int, inputs x: UnsafePointer<Float>, inputStride: Int, count: Int, weights w: [Float], rows: Int,
        cols: Int, output z: UnsafeMutablePointer<Float>, outputStride: Int) throws
}

extension Network {
    /// `h = f(x·W1)`, `y = σ(h·W2)` for the first `count` rows of `buffers`; both products
    /// through `product` when one is given, else each by ``Kernels/sparseProduct(rows:examples:weights:cols:columns:z:zStride:)``
    /// when fewer than `sparseDensityLimit` of its inputs are non-zero and by CBLAS otherwise.
    /// The sparse product reads the buffers' ``ForwardBuffers/inputLists`` when there are any,
    /// else row lists made from the dense rows. The work is split between `threads` threads in
    /// fixed blocks of examples (``FixedPartition``), so the result does not depend on
    /// `threads`.
    public func forward(
        _ buffers: inout ForwardBuffers, count: Int, product: LayerProduct? = nil, threads: Int = 1,
        sparseDensityLimit: Double = Kernels.sparseDensityLimit
    ) throws {
        let (n, h, o) = (inputs, hidden, outputs)
        let scratch = buffers.scratchRows
        func multiply(
            _ layer: Int, _ x: UnsafePointer<Float>, _ lda: Int, _ lists: Kernels.SparseLists?, _ w: [Float], _ rows: Int,
            _ cols: Int, _ z: UnsafeMutablePointer<Float>, _ ldc: Int
        ) throws {
            if let product {
                try product.multiply(
                    layer: layer, inputs: x, inputStride: lda, count: count, weights: w, rows: rows, cols: cols,
                    output: z, outputStride: ldc)
                return
            }
            let density = lists.map { Double($0.entries(0..<count)) / Double(max(count * rows, 1)) }
                ?? Kernels.density(x, rows: count, cols: rows, stride: lda)
            w.withUnsafeBufferPointer { w in
                let w = w.baseAddress!
                // Both split by fixed blocks of examples. (The sparse sums were split by blocks of
                // 64 columns before, so that each thread kept its columns of W in its cache, but
                // 110 columns make 7 vector lanes, which two threads share 4 : 3; by examples
                // they share evenly, and the forward phase of an MNIST epoch on two threads took
                // 11 % less in eight runs of each.)
                if density < sparseDensityLimit {
                    let rowLists = lists ?? scratch
                    if lists == nil { scratch.reserve(lists: count, room: rows) }
                    FixedPartition.run(count: count, block: Kernels.exampleBlock, threads: threads) { examples in
                        if lists == nil { scratch.buildRows(of: x, xStride: lda, examples: examples) }
                        Kernels.sparseProduct(rows: rowLists, examples: examples, weights: w, cols: cols, z: z, zStride: ldc)
                    }
                    return
                }
                FixedPartition.run(count: count, block: 16, threads: threads) { examples in
                    Kernels.gemm(
                        m: examples.count, n: cols, k: rows, alpha: 1, a: x + examples.lowerBound * lda, lda: lda,
                        b: w, ldb: cols, beta: 0, c: z + examples.lowerBound * ldc, ldc: ldc)
                }
            }
        }
        let inputLists = buffers.inputLists
        try buffers.input.withUnsafeBufferPointer { x in
            try buffers.hiddenActivity.withUnsafeMutableBufferPointer { hid in
                try buffers.output.withUnsafeMutableBufferPointer { y in
                    try multiply(0, x.baseAddress!, n + 1, inputLists, layers[0].values, n + 1, h, hid.baseAddress!, h + 1)
                    for b in 0..<count {
                        let row = hid.baseAddress! + b * (h + 1)
                        switch activation {
                        case .relu: for j in 0..<h { row[j] = max(row[j], 0) }
                        case .sigmoid: for j in 0..<h { row[j] = 1 / (1 + exp(-row[j])) }
                        }
                        row[h] = 1
                    }
                    try multiply(1, hid.baseAddress!, h + 1, nil, layers[1].values, h + 1, o, y.baseAddress!, o)
                    for k in 0..<(count * o) { y[k] = 1 / (1 + exp(-y[k])) }
                }
            }
        }
    }
}
