import CKernels
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
    /// instead of a GEMM. Measured by `pulseprop-bench train` on a 2-core AMD EPYC with
    /// AVX-512 (OpenBLAS 0.3.21 runs its Haswell AVX2 kernels there; ours run their AVX-512
    /// copies): GEMM time over sparse time for a 100 × 785 by 785 × 110 product is 7–8 at 5 %
    /// non-zero, 2.3 at 20 % (MNIST is ≈ 19 %), 0.7–0.9 at 50 % and 0.4 at 100 %, so the
    /// crossover is near 45 %. The limit sits lower, at 30 %, for machines with AVX2 only,
    /// where our kernels have half the vector width and OpenBLAS the same; dense data such as
    /// Fashion-MNIST (≈ 50 %) keeps the GEMM.
    public static let sparseDensityLimit = 0.3

    /// Fraction of non-zero values among the first `cols` columns of `rows` rows of `x`
    /// (row stride `stride`).
    public static func density(_ x: UnsafePointer<Float>, rows: Int, cols: Int, stride: Int) -> Double {
        guard rows > 0, cols > 0 else { return 0 }
        return Double(pp_count_nonzero(x, rows, cols, stride)) / Double(rows * cols)
    }

    /// Examples per block of sparse-product work shared between threads: ten blocks in a
    /// minibatch of 100, so that two threads that claim blocks as they go share it evenly.
    public static let exampleBlock = 10

    /// The instruction set the sparse kernels run with here ("avx512", "avx2" or
    /// "baseline"); their results are the same bits on each.
    public static var instructionSet: String { String(cString: pp_kernel_isa()) }

    /// `z[b, :] = Σ_i x[b, i]·W[i, :]` over the non-zero `x[b, i]` only, `i` ascending, for
    /// the examples `examples`, with `x` given by its row lists (``SparseLists``, one list per
    /// example): sparse-times-dense, each output value summed in a fixed order whatever the
    /// range of examples or of columns (``pp_list_product``: up to 64 output columns at a time,
    /// or 128 with AVX-512, are summed in registers). Only the columns `columns` (default: all)
    /// are written. `W` has `cols` columns, `z` stride `zStride`.
    public static func sparseProduct(
        rows x: SparseLists, examples: Range<Int>, weights: UnsafePointer<Float>, cols: Int, columns: Range<Int>? = nil,
        z: UnsafeMutablePointer<Float>, zStride: Int
    ) {
        let columns = columns ?? 0..<cols
        pp_list_product(
            x.count, x.position, x.value, x.room, examples.lowerBound, examples.upperBound, weights, cols,
            columns.lowerBound, columns.upperBound, z, zStride)
    }

    /// ``sparseProduct(rows:examples:weights:cols:columns:z:zStride:)`` on the row lists of
    /// `x` (stride `xStride`, `rows` columns), made for this call.
    public static func sparseProduct(
        x: UnsafePointer<Float>, xStride: Int, examples: Range<Int>, weights: UnsafePointer<Float>, rows: Int,
        cols: Int, columns: Range<Int>? = nil, z: UnsafeMutablePointer<Float>, zStride: Int
    ) {
        let lists = SparseLists()
        lists.reserve(lists: examples.upperBound, room: rows)
        lists.buildRows(of: x, xStride: xStride, examples: examples)
        sparseProduct(rows: lists, examples: examples, weights: weights, cols: cols, columns: columns, z: z, zStride: zStride)
    }

    /// The non-zero values of a matrix listed by row or by column, with room in each list for
    /// a whole row or column: a minibatch's inputs by example (row lists, what the sparse
    /// product reads) or a minibatch's signals `x` by row of `W` (column lists, what the row
    /// update reads). List `l` holds `count[l]` entries at `position[l·room ...]` (the column
    /// of a row list, the example of a column list, ascending) with their values at
    /// `value[l·room ...]`. Built by all threads (each a range of lists) and then read by all.
    /// Owns its buffers, which it keeps between minibatches.
    public final class SparseLists {
        private(set) var count = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
        private(set) var position = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
        private(set) var value = UnsafeMutablePointer<Float>.allocate(capacity: 0)
        /// Entries each list has room for (a row's columns, or a column's examples).
        private(set) var room = 0
        /// Allocated room: entries in `count`, and in each of `position` and `value`.
        private var (countRoom, entryRoom) = (0, 0)

        public init() {}

        deinit {
            count.deallocate()
            position.deallocate()
            value.deallocate()
        }

        /// Makes room for `lists` lists of `room` entries each.
        public func reserve(lists: Int, room: Int) {
            self.room = room
            if lists > countRoom {
                count.deallocate()
                count = .allocate(capacity: lists)
                countRoom = lists
            }
            if lists * room > entryRoom {
                position.deallocate()
                value.deallocate()
                position = .allocate(capacity: lists * room)
                value = .allocate(capacity: lists * room)
                entryRoom = lists * room
            }
        }

        /// The entries of the lists `lists`.
        public func entries(_ lists: Range<Int>) -> Int { lists.reduce(0) { $0 + Int(count[$1]) } }

        /// List `l`'s entries as (position, value) pairs.
        public func list(_ l: Int) -> [(position: Int, value: Float)] {
            (0..<Int(count[l])).map { (Int(position[l * room + $0]), value[l * room + $0]) }
        }

        /// Row lists: lists the non-zero values of the rows `examples` of `x` (stride `xStride`,
        /// `room` columns, as reserved). Threads may build disjoint ranges at once.
        public func buildRows(of x: UnsafePointer<Float>, xStride: Int, examples: Range<Int>) {
            pp_row_lists(x, xStride, room, examples.lowerBound, examples.upperBound, room, count, position, value)
        }

        /// Row lists of the examples `examples[b]` of `set`, `b` in `range`, read from its
        /// non-zero entries, which are also written into the dense rows `x[b, 0 ..< features]`
        /// (stride `xStride`; ``pp_gather_rows``). Threads may gather disjoint ranges at once.
        public func gatherRows(
            of set: NonZeroInputs, examples: UnsafePointer<Int>, range: Range<Int>, features: Int,
            into x: UnsafeMutablePointer<Float>, xStride: Int
        ) {
            set.start.withUnsafeBufferPointer { start in
                set.column.withUnsafeBufferPointer { column in
                    set.value.withUnsafeBufferPointer { value in
                        pp_gather_rows(
                            start.baseAddress!, column.baseAddress!, value.baseAddress!, examples, range.lowerBound,
                            range.upperBound, features, x, xStride, room, count, position, self.value)
                    }
                }
            }
        }

        /// Appends `(position, value)` to row `b`'s list (which must have room for it).
        public func append(toRow b: Int, position: Int, value: Float) {
            let k = Int(count[b])
            self.position[b * room + k] = Int32(position)
            self.value[b * room + k] = value
            count[b] += 1
        }

        /// Column lists: lists the non-zero `x[b, i]` of the columns `columns` of `x` (`room`
        /// rows of stride `xStride`, as reserved), without the examples that `active` marks 0
        /// (nil: every example). Threads may build disjoint column ranges at once.
        public func buildColumns(of x: UnsafePointer<Float>, xStride: Int, columns: Range<Int>, active: UnsafePointer<UInt8>?) {
            pp_column_lists(x, xStride, room, columns.lowerBound, columns.upperBound, active, count, position, value)
        }

        /// Calls `body(values, n)` with the `n` values of each list in `lists`, in place.
        public func updateValues(lists: Range<Int>, _ body: (_ values: UnsafeMutablePointer<Float>, _ n: Int) -> Void) {
            for l in lists { body(value + l * room, Int(count[l])) }
        }

        /// Column lists made from the row lists `rows` of the same `room` examples: the lists
        /// ``buildColumns(of:xStride:columns:active:)`` makes from the rows' matrix, without
        /// scanning it (``pp_transpose_lists``).
        public func buildColumns(from rows: SparseLists, columns: Range<Int>, active: UnsafePointer<UInt8>?) {
            pp_transpose_lists(
                rows.count, rows.position, rows.value, rows.room, room, columns.lowerBound, columns.upperBound, active,
                count, position, value)
        }
    }

    /// `W[i, j] += scale · Σ_b u(x[b, i], δ[b, j])` for the rows `rows` and the columns
    /// `columns` (default: all) of `W`, where `u` is
    /// `x·δ` (times) or, for `x ≥ 0`, `sign(x·δ)·min(|x|, |δ|) = clamp(δ, −x, x)` (absmin, a
    /// branch-free min/max per synapse), over the examples in the column lists `lists` (``SparseLists``).
    ///
    /// Examples with `x[b, i] = 0` are not in the lists and contribute nothing (most MNIST
    /// pixels, and inputs that encode to zero pulses), nor are examples whose `δ` row is all
    /// zero (most hidden errors at 20 levels) when the lists were built with them marked
    /// inactive. The others are summed in `b` order from 0 (vector lanes over `j`) and added to
    /// the row once, so the result does not depend on how rows or columns are split between
    /// threads (``pp_row_update``). `δ` is `batch × cols`, `W` has `cols` columns.
    public static func rowUpdate(
        _ method: UpdateMethod, lists: SparseLists, delta: UnsafePointer<Float>, rows: Range<Int>,
        columns: Range<Int>? = nil, cols: Int, scale: Float, weights: UnsafeMutablePointer<Float>
    ) {
        let rule = method == .times ? PP_TIMES : PP_ABSMIN
        let columns = columns ?? 0..<cols
        withUnsafeTemporaryAllocation(of: Float.self, capacity: cols) { row in
            pp_row_update(
                rule, lists.count, lists.position, lists.value, lists.room, delta, rows.lowerBound, rows.upperBound, cols,
                columns.lowerBound, columns.upperBound, scale, weights, row.baseAddress!)
        }
    }

    /// The absmin update on pulse counts (``pp_count_update``): `W[i, j] += scale·(q·Σ_b
    /// clamp(n_δ[b, j], −n_x[b, i], n_x[b, i]))` for the rows `rows` and the columns `columns`
    /// (default: all), where `lists` were built from the counts `n_x` and `deltaCounts` holds
    /// `n_δ` (`batch × cols`). The coincident pulses of each row are counted exactly in 16-bit
    /// lanes; the caller makes sure `batch·max|n_δ|` fits in them.
    public static func countUpdate(
        lists: SparseLists, deltaCounts: UnsafePointer<Int16>, rows: Range<Int>, columns: Range<Int>? = nil, cols: Int,
        quantum: Float, scale: Float, weights: UnsafeMutablePointer<Float>
    ) {
        let columns = columns ?? 0..<cols
        withUnsafeTemporaryAllocation(of: Int16.self, capacity: cols) { row in
            pp_count_update(
                lists.count, lists.position, lists.value, lists.room, deltaCounts, rows.lowerBound, rows.upperBound, cols,
                columns.lowerBound, columns.upperBound, quantum, scale, weights, row.baseAddress!)
        }
    }

    /// ``rowUpdate(_:lists:delta:rows:columns:cols:scale:weights:)`` on column lists built
    /// from `x` (`batch` rows of stride `xStride`) for this call.
    public static func rowUpdate(
        _ method: UpdateMethod, x: UnsafePointer<Float>, xStride: Int, delta: UnsafePointer<Float>, batch: Int,
        rows: Range<Int>, cols: Int, scale: Float, weights: UnsafeMutablePointer<Float>
    ) {
        let lists = SparseLists()
        lists.reserve(lists: rows.upperBound, room: batch)
        lists.buildColumns(of: x, xStride: xStride, columns: 0..<rows.upperBound, active: nil)
        rowUpdate(method, lists: lists, delta: delta, rows: rows, cols: cols, scale: scale, weights: weights)
    }

    /// Marks in `active` the rows of the `batch × cols` matrix `delta` that hold a non-zero
    /// value (to build column lists without the examples that add nothing);
    /// returns how many there are.
    @discardableResult
    public static func markNonZeroRows(
        _ delta: UnsafePointer<Float>, batch: Int, cols: Int, active: UnsafeMutablePointer<UInt8>
    ) -> Int {
        pp_nonzero_rows(delta, batch, cols, active)
    }

    /// `y[j] += a·v[j]` (a multiply then an add), a plain loop LLVM vectorises.
    @inline(__always)
    static func addScaled(_ a: Float, _ v: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for j in 0..<count { y[j] += a * v[j] }
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
