import Foundation

extension BeliefNet {
    /// Labels of every example of `data` by the top RBM's free energy (see ``BeliefNet``),
    /// the inputs propagated up by the lower RBMs' hidden probabilities (no sampling), in
    /// blocks of `block` examples.
    public func predict(_ data: Dataset, block: Int = 500) -> [Int] {
        var predictions = [Int]()
        predictions.reserveCapacity(data.count)
        var start = 0
        while start < data.count {
            let count = min(block, data.count - start)
            var v = [Float](repeating: 1, count: count * (visible(0) + 1))
            for b in 0..<count {
                for i in 0..<data.features { v[b * (visible(0) + 1) + i] = data.inputs[(start + b) * data.features + i] }
            }
            for l in 0..<top {
                // RBM l's hidden probabilities are the next visible layer (its bias stays 1).
                var above = [Float](repeating: 1, count: count * (visible(l + 1) + 1))
                v.withUnsafeBufferPointer { v in
                    above.withUnsafeMutableBufferPointer { above in
                        RBMUnits.up(layers[l], v: v.baseAddress!, count: count, p: above.baseAddress!, stride: visible(l + 1) + 1)
                    }
                }
                v = above
            }
            // The top RBM's label units are 0 (each label's free energy adds its own row).
            let stride = visible(top) + 1
            for b in 0..<count {
                for c in 0..<classes { v[b * stride + sizes[top] + c] = 0 }
            }
            predictions += labels(features: v, count: count)
            start += count
        }
        return predictions
    }

    /// Fraction of `data` misclassified.
    public func testError(on data: Dataset) -> Double {
        let wrong = zip(predict(data), data.labels).filter { $0 != $1 }.count
        return Double(wrong) / Double(max(data.count, 1))
    }

    /// The label of lowest free energy for each of `count` top-RBM visible rows whose label
    /// units are 0: `argmax_y b_y + Σ_j softplus(z_j + W_yj)` with `z = v·W`.
    private func labels(features v: [Float], count: Int) -> [Int] {
        let rbm = layers[top]
        let (rows, cols) = (rbm.rows, rbm.cols)
        var z = [Float](repeating: 0, count: count * cols)
        v.withUnsafeBufferPointer { v in
            rbm.values.withUnsafeBufferPointer { w in
                z.withUnsafeMutableBufferPointer { z in
                    Kernels.gemm(
                        m: count, n: cols, k: rows, alpha: 1, a: v.baseAddress!, lda: rows, b: w.baseAddress!, ldb: cols,
                        beta: 0, c: z.baseAddress!, ldc: cols)
                }
            }
        }
        let firstLabel = sizes[top]
        return (0..<count).map { b in
            var best = (label: 0, score: -Double.infinity)
            for y in 0..<classes {
                let row = (firstLabel + y) * cols
                var score = Double(rbm.values[row + cols - 1])
                for j in 0..<(cols - 1) {
                    let x = Double(z[b * cols + j] + rbm.values[row + j])
                    score += max(x, 0) + log1p(exp(-abs(x)))
                }
                if score > best.score { best = (y, score) }
            }
            return best.label
        }
    }
}
