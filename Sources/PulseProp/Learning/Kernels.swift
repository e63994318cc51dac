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

    /// Density below which products and the `times` update go through the sparse kernels
    /// instead of a GEMM. Measured by `pulseprop bench train` on a 2-core AMD EPYC (AVX2; our
    /// loops are compiled for baseline x86-64, OpenBLAS picks AVX2 at run time): GEMM time over
    /// sparse time for a 100 × 785 by 785 × 110 product is 1.5 at 1 % non-zero, 1.16 at 5 %,
    /// 0.70 at 10 % and 0.49 at 20 % (MNIST is ≈ 19 %), so only inputs sparser than 5 % take
    /// the sparse path and dense data never gets slower.
    public static let sparseDensityLimit = 0.05

    /// Fraction of non-zero values among the first `cols` columns of `rows` rows of `x`
    /// (row stride `stride`).
    public static func density(_ x: UnsafePointer<Float>, rows: Int, cols: Int, stride: Int) -> Double {
        guard rows > 0, cols > 0 else { return 0 }
        var nonZero = 0
        for b in 0..<rows {
            let row = x + b * stride
            for i in 0..<cols where row[i] != 0 { nonZero += 1 }
        }
        return Double(nonZero) / Double(rows * cols)
    }

    /// `z[b, :] = Σ_i x[b, i]·W[i, :]` over the non-zero `x[b, i]` only, `i` ascending, for
    /// the examples `examples`: sparse-times-dense, each output value summed in a fixed order
    /// whatever the range of examples. Rows of `W` are the outer loop, so each is read once per
    /// call while the examples' outputs stay in cache. `W` is `rows × cols`, `x` has stride
    /// `xStride`, `z` stride `zStride`.
    public static func sparseProduct(
        x: UnsafePointer<Float>, xStride: Int, examples: Range<Int>, weights: UnsafePointer<Float>, rows: Int,
        cols: Int, z: UnsafeMutablePointer<Float>, zStride: Int
    ) {
        for b in examples { (z + b * zStride).update(repeating: 0, count: cols) }
        for i in 0..<rows {
            let w = weights + i * cols
            for b in examples {
                let xi = x[b * xStride + i]
                if xi == 0 { continue }
                addScaled(xi, w, into: z + b * zStride, count: cols)
            }
        }
    }

    /// `W[i, j] += scale · Σ_b u(x[b, i], δ[b, j])` for the rows `rows` of `W`, where `u` is
    /// `x·δ` (times) or, for `x ≥ 0`, `sign(x·δ)·min(|x|, |δ|) = clamp(δ, −x, x)` (absmin, a
    /// branch-free min/max per synapse).
    ///
    /// Examples with `x[b, i] = 0` contribute nothing and are skipped (most MNIST pixels, and
    /// inputs that encode to zero pulses); the others are summed in `b` order (vector lanes over
    /// `j`), so the result does not depend on how rows are split between threads. `x` is
    /// `batch × rows` with row stride `xStride`, `δ` is `batch × cols`, `W` has `cols` columns;
    /// `accumulator` holds `cols` floats of scratch.
    public static func rowUpdate(
        _ method: UpdateMethod, x: UnsafePointer<Float>, xStride: Int, delta: UnsafePointer<Float>, batch: Int,
        rows: Range<Int>, cols: Int, scale: Float, weights: UnsafeMutablePointer<Float>,
        accumulator: UnsafeMutablePointer<Float>
    ) {
        for i in rows {
            accumulator.update(repeating: 0, count: cols)
            var touched = false
            for b in 0..<batch {
                let xi = x[b * xStride + i]
                if xi == 0 { continue }
                touched = true
                switch method {
                case .times: addScaled(xi, delta + b * cols, into: accumulator, count: cols)
                case .absmin: addClamped(delta + b * cols, bound: xi, into: accumulator, count: cols)
                }
            }
            if !touched { continue }
            addScaled(scale, accumulator, into: weights + i * cols, count: cols)
        }
    }

    /// `y[j] += a·v[j]` (a multiply then an add). Written as a plain loop over unsafe
    /// pointers, which LLVM vectorises for the build's target: on the 2-core AMD EPYC this ran
    /// at 5.5 G elements/s against 4.1 for explicit `SIMD8<Float>` loads and stores.
    @inline(__always)
    static func addScaled(_ a: Float, _ v: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { y[j] += a * v[j] }
    }

    /// `y[j] += min(max(d[j], −x), x)` (`x > 0`), a plain loop LLVM vectorises to min/max
    /// lanes: 3.0 G elements/s against 2.1 for explicit `SIMD8<Float>` compare-and-replace.
    @inline(__always)
    static func addClamped(_ d: UnsafePointer<Float>, bound x: Float, into y: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { y[j] += min(max(d[j], -x), x) }
    }

    /// Replaces `count` values by their pulse counts times a value per pulse: each value is
    /// clipped to `[lower, upper]`, counted in `quantum` (`n = R(v/q)`, ``PulseRounding``, as
    /// ``PulseEncoding``) and becomes `n·step`. With `step = quantum` these are the values the
    /// pulses represent. `dither` is stochastic rounding's `u` (ignored otherwise).
    public static func quantize(
        _ values: UnsafeMutablePointer<Float>, count: Int, quantum: Float, step: Float, lower: Float, upper: Float,
        rounding: PulseRounding, dither: Float = 0
    ) {
        let inverse = 1 / quantum
        if rounding == .nearest, max(abs(lower), abs(upper)) * inverse < 0x1p22 {
            for k in 0..<count {
                let v = min(max(values[k], lower), upper)
                values[k] = nearestEven(v * inverse) * step
            }
            return
        }
        for k in 0..<count {
            let v = min(max(values[k], lower), upper)
            values[k] = rounding.whole(v * inverse, dither: dither) * step
        }
    }

    /// `r.rounded(.toNearestOrEven)` for `|r| < 2²²`, in two additions instead of a libm call
    /// per value (the build's baseline x86-64 target has no rounding instruction), so the
    /// quantisation loop vectorises. `r + 1.5·2²³` lies in `[2²³, 2²⁴)`, where the spacing of
    /// floats is 1, so IEEE round-to-nearest-even of that sum is `r` rounded to the nearest
    /// integer, ties to even; subtracting `1.5·2²³` again is exact.
    @inline(__always)
    static func nearestEven(_ r: Float) -> Float {
        let shift: Float = 0x1.8p23
        return (r + shift) - shift
    }
}
