/// Applies one layer's dense update given in coincidence counts, `c_ij = −Σ_b x_bi·δ_bj`
/// (for contrastive divergence: the data phase's `v_i·h_j` minus the model phase's), to
/// whatever holds the weights: floats change by `rate·c` (``FloatCountWriter``), device pairs
/// by pulses, one per `θ` counts (``PairWriteUpdater``, which ignores `rate`).
public protocol CountWriter: AnyObject {
    /// Applies the `rows × cols` counts `c` (row-major) to layer `layer` of `layers`.
    func write(counts c: UnsafeBufferPointer<Float>, layer: Int, to layers: inout [WeightLayer], rate: Float) throws
}

extension LayerSignals {
    /// The coincidence counts `c = −Σ_b x_bᵀ·δ_b` of the first `count` examples, written to
    /// `c` (`rows × cols`, row-major; `rows` the layer's rows, at most ``xStride``).
    func counts(count: Int, rows: Int, into c: UnsafeMutablePointer<Float>) {
        x.withUnsafeBufferPointer { x in
            delta.withUnsafeBufferPointer { d in
                Kernels.gemm(
                    transA: true, m: rows, n: cols, k: count, alpha: -1, a: x.baseAddress!, lda: xStride,
                    b: d.baseAddress!, ldb: cols, beta: 0, c: c, ldc: cols)
            }
        }
    }
}

/// Float weights: `W += rate·c`.
public final class FloatCountWriter: CountWriter {
    public init() {}

    public func write(counts c: UnsafeBufferPointer<Float>, layer: Int, to layers: inout [WeightLayer], rate: Float) {
        layers[layer].values.withUnsafeMutableBufferPointer { w in
            Kernels.addScaled(rate, c.baseAddress!, into: w.baseAddress!, count: w.count)
        }
    }
}
