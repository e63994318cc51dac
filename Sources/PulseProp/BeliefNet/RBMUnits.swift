import Foundation

/// The conditional distributions of one RBM of a ``BeliefNet`` and their sampling, on rows of
/// unit vectors extended by a constant 1 (the bias unit), `count` rows at a time.
enum RBMUnits {
    /// Hidden probabilities `p = σ(v·W)` of `count` visible rows `v` (stride `rows` of the
    /// layer), written to the first `cols` entries of rows of `p` `stride` apart (default
    /// `cols`; wider when `p` is the next RBM's visible layer with its labels); the bias column
    /// `cols − 1` is set to 1.
    static func up(_ layer: WeightLayer, v: UnsafePointer<Float>, count: Int, p: UnsafeMutablePointer<Float>, stride: Int? = nil) {
        let (rows, cols) = (layer.rows, layer.cols)
        let stride = stride ?? cols
        layer.values.withUnsafeBufferPointer { w in
            Kernels.gemm(m: count, n: cols, k: rows, alpha: 1, a: v, lda: rows, b: w.baseAddress!, ldb: cols, beta: 0, c: p, ldc: stride)
        }
        for b in 0..<count {
            let row = p + b * stride
            for j in 0..<(cols - 1) { row[j] = 1 / (1 + exp(-row[j])) }
            row[cols - 1] = 1
        }
    }

    /// Visible probabilities `p = σ(h·Wᵀ)` of `count` hidden rows `h` (stride `cols`),
    /// written to `p` (stride `rows`); the last `labels` visible units before the bias form a
    /// softmax group (the top RBM's one-hot label), and the bias column is set to 1.
    static func down(
        _ layer: WeightLayer, h: UnsafePointer<Float>, count: Int, labels: Int, p: UnsafeMutablePointer<Float>
    ) {
        let (rows, cols) = (layer.rows, layer.cols)
        layer.values.withUnsafeBufferPointer { w in
            Kernels.gemm(
                transB: true, m: count, n: rows, k: cols, alpha: 1, a: h, lda: cols, b: w.baseAddress!, ldb: cols, beta: 0,
                c: p, ldc: rows)
        }
        let binary = rows - 1 - labels
        for b in 0..<count {
            let row = p + b * rows
            for i in 0..<binary { row[i] = 1 / (1 + exp(-row[i])) }
            if labels > 0 {
                var largest = -Float.infinity
                for i in binary..<(rows - 1) { largest = max(largest, row[i]) }
                var sum: Float = 0
                for i in binary..<(rows - 1) {
                    row[i] = exp(row[i] - largest)
                    sum += row[i]
                }
                for i in binary..<(rows - 1) { row[i] /= sum }
            }
            row[rows - 1] = 1
        }
    }

    /// Replaces each probability of `count` rows of `width` units (the last one the bias,
    /// left at 1; rows `stride` apart, default `width`) by a binary sample; the `labels` units
    /// before the bias are one softmax group, replaced by a one-hot sample. Draws one uniform
    /// per binary unit and one per group, in row order.
    static func sample(
        _ p: UnsafeMutablePointer<Float>, count: Int, width: Int, stride: Int? = nil, labels: Int = 0,
        using rng: inout SeededGenerator
    ) {
        let binary = width - 1 - labels
        for b in 0..<count {
            let row = p + b * (stride ?? width)
            for i in 0..<binary { row[i] = rng.nextUnitFloat() < row[i] ? 1 : 0 }
            if labels > 0 {
                let u = rng.nextUnitFloat()
                var cumulative: Float = 0
                var chosen = width - 2  // the last label takes what rounding leaves
                for i in binary..<(width - 2) {
                    cumulative += row[i]
                    if u < cumulative {
                        chosen = i
                        break
                    }
                }
                for i in binary..<(width - 1) { row[i] = i == chosen ? 1 : 0 }
            }
        }
    }
}
