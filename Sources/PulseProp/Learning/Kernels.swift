import COpenBLAS

/// The dense kernels of training, over unsafe buffers: GEMMs through CBLAS and the absmin
/// update, which is not a GEMM.
public enum Kernels {
    /// Makes OpenBLAS single-threaded: training runs are parallelised across processes, and
    /// SPICE shares the cores.
    public static func useOneBLASThread() { setBLASThreads(1) }

    /// Sets OpenBLAS's thread count (one per core is the most that helps).
    public static func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(max(count, 1))) }

    /// `C = α·op(A)·op(B) + β·C`, row-major, `op(A)` is `m×k`, `op(B)` is `k×n`.
    @inline(__always)
    public static func gemm(
        transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `W[i, j] += scale · Σ_b clamp(δ[b, j], −x[b, i], x[b, i])` for `x ≥ 0`.
    ///
    /// For `x ≥ 0`, `sign(x·δ)·min(|x|, |δ|) = clamp(δ, −x, x)`, so the absmin rule is a
    /// branch-free min/max per synapse. Examples with `x[b, i] = 0` contribute nothing and are
    /// skipped (most MNIST pixels). `x` is `batch × rows` with row stride `xStride`, `δ` is
    /// `batch × cols`, `W` is `rows × cols`; `accumulator` holds `cols` floats of scratch.
    public static func absminUpdate(
        x: UnsafePointer<Float>, xStride: Int, delta: UnsafePointer<Float>, batch: Int, rows: Int, cols: Int,
        scale: Float, weights: UnsafeMutablePointer<Float>, accumulator: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<rows {
            accumulator.update(repeating: 0, count: cols)
            var touched = false
            for b in 0..<batch {
                let xi = x[b * xStride + i]
                if xi == 0 { continue }
                touched = true
                let d = delta + b * cols
                let lower = -xi
                for j in 0..<cols {
                    accumulator[j] += min(max(d[j], lower), xi)
                }
            }
            if !touched { continue }
            let w = weights + i * cols
            for j in 0..<cols { w[j] += scale * accumulator[j] }
        }
    }

    /// Replaces `count` values by their pulse counts times a value per pulse: each value is
    /// clipped to `[lower, upper]`, counted in `quantum` (`n = R(v/q)`, ``PulseRounding``, as
    /// ``PulseEncoding``) and becomes `n·step`. With `step = quantum` these are the values the
    /// pulses represent.
    public static func quantize(
        _ values: UnsafeMutablePointer<Float>, count: Int, quantum: Float, step: Float, lower: Float, upper: Float,
        rounding: PulseRounding
    ) {
        let inverse = 1 / quantum
        for k in 0..<count {
            let v = min(max(values[k], lower), upper)
            values[k] = rounding.whole(v * inverse) * step
        }
    }
}
