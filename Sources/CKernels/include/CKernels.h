#ifndef PULSEPROP_CKERNELS_H
#define PULSEPROP_CKERNELS_H
// Training's sparse kernels in C, so that each can be compiled for several instruction sets
// and the best one picked at load time (AVX-512, AVX2, baseline x86-64). Multiplies and adds
// stay separate (no fused multiply-add) and every output is summed in a fixed order, so the
// results are the same bits on every instruction set and for any split of the work.
#include <stddef.h>
#include <stdint.h>

/// Lists the non-zero values of the rows `b` in `[first, last)` of `x` (stride `x_stride`,
/// `cols` columns): row `b` has `count[b]` entries, columns ascending, at `index[b·room ...]`
/// with their values at `value[b·room ...]`; `room ≥ cols`. Calls on disjoint row ranges may
/// run at once.
void pp_row_lists(
    const float *x, ptrdiff_t x_stride, ptrdiff_t cols, ptrdiff_t first, ptrdiff_t last, ptrdiff_t room,
    int32_t *count, int32_t *index, float *value);

/// Gathers the examples `examples[b]`, `b` in `[first, last)`, of a set stored as compressed
/// sparse rows (example `e`'s entries are `start[e] ..< start[e + 1]` of `column`, ascending,
/// and `value`): into the dense rows `x[b, 0 ..< features]` (stride `x_stride`; zeros where no
/// entry is) and into row lists as ``pp_row_lists`` makes them (`count`, `index`, `entries`,
/// `room`). Calls on disjoint ranges of `b` may run at once.
void pp_gather_rows(
    const ptrdiff_t *start, const int32_t *column, const float *value, const ptrdiff_t *examples, ptrdiff_t first,
    ptrdiff_t last, ptrdiff_t features, float *x, ptrdiff_t x_stride, ptrdiff_t room, int32_t *count, int32_t *index,
    float *entries);

/// `z[b, j] = Σ_k value[k]·w[index[k], j]` over row `b`'s list (``pp_row_lists``: `count`,
/// `index`, `value`, `room`) in list order, summed from 0, for `b` in `[first, last)` and `j`
/// in `[c0, c1)`: the product `x·W` over the non-zero `x` only. `w` has `cols` columns, `z`
/// stride `z_stride`. Calls on disjoint column or row ranges may run at once.
void pp_list_product(
    const int32_t *count, const int32_t *index, const float *value, ptrdiff_t room, ptrdiff_t first, ptrdiff_t last,
    const float *w, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float *z, ptrdiff_t z_stride);

/// The update rules of ``pp_row_update``.
typedef enum { PP_TIMES = 0, PP_ABSMIN = 1 } pp_rule;

/// Lists the non-zero `x[b, i]` of the columns `i` in `[first, last)` of `x` (`batch` rows of
/// stride `x_stride`), skipping the examples `b` with `active[b] = 0` (`active` may be NULL):
/// column `i` has `count[i]` entries, examples ascending, at `example[i·batch ...]` with their
/// values at `value[i·batch ...]`. `count` holds one int32 per column, `example` and `value`
/// `batch` per column. Calls on disjoint column ranges may run at once.
void pp_column_lists(
    const float *x, ptrdiff_t x_stride, ptrdiff_t batch, ptrdiff_t first, ptrdiff_t last, const uint8_t *active,
    int32_t *count, int32_t *example, float *value);

/// The column lists of ``pp_column_lists`` for the columns `[first, last)`, made from row
/// lists (``pp_row_lists``: `row_count`, `row_index`, `row_value`, `row_room`, `batch` rows)
/// instead of a scan of `x`: the same entries in the same order, without the rows that
/// `active` marks 0 (`active` may be NULL). Calls on disjoint column ranges may run at once.
void pp_transpose_lists(
    const int32_t *row_count, const int32_t *row_index, const float *row_value, ptrdiff_t row_room, ptrdiff_t batch,
    ptrdiff_t first, ptrdiff_t last, const uint8_t *active, int32_t *count, int32_t *example, float *value);

/// `w[i, j] += scale·Σ_b u(x[b, i], δ[b, j])` for the rows `i` in `[first, last)` and the
/// columns `j` in `[c0, c1)`, with
/// `u = x·δ` (times) or `clamp(δ, −x, x)` (absmin, `x ≥ 0`), over the examples of column `i`'s
/// list from ``pp_column_lists`` (`count`, `example`, `value`, `batch`) in list order, summed from 0 and
/// added to the row once; a row with an empty list is left alone. `δ` is `batch × cols`, `w`
/// has `cols` columns, `row` is scratch for `cols` floats. Calls on disjoint ranges may run at
/// once.
void pp_row_update(
    pp_rule rule, const int32_t *count, const int32_t *example, const float *value, ptrdiff_t batch,
    const float *delta, ptrdiff_t first, ptrdiff_t last, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float scale,
    float *w, float *row);

/// The absmin update on pulse counts: `w[i, j] += scale·(q·Σ_b clamp(n_δ[b, j], −n_x[b, i],
/// n_x[b, i]))` for the rows `i` in `[first, last)` and the columns `j` in `[c0, c1)`, each
/// row's count of coincident pulses summed exactly in 16-bit lanes (the caller makes sure
/// `batch·max|n_δ|` fits) and scaled once. `n_x` are the column lists' values (whole numbers,
/// from ``pp_column_lists`` over the counts of `x`), `n_δ` is `batch × cols`, `q` the weight
/// step of one pulse, `row` scratch for `cols` counts. When `q` is a power of two this gives the
/// bits of ``pp_row_update`` on the values `n·q` (every partial sum there is exact too).
void pp_count_update(
    const int32_t *count, const int32_t *example, const float *nx, ptrdiff_t batch, const int16_t *nd,
    ptrdiff_t first, ptrdiff_t last, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float quantum, float scale, float *w,
    int16_t *row);

/// The number of non-zero values in the first `cols` columns of `rows` rows of `x` (stride
/// `stride`).
ptrdiff_t pp_count_nonzero(const float *x, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t stride);

/// Sets `active[b]` to 1 when row `b` of the `batch × cols` matrix `delta` has a non-zero
/// value, else 0; returns the number of such rows.
ptrdiff_t pp_nonzero_rows(const float *delta, ptrdiff_t batch, ptrdiff_t cols, uint8_t *active);

/// `out[k] = Float(min(max(gain·x[k], lo), hi) / quantum)` in double precision with Swift's
/// `min` and `max` (NaN and signed zeros as they treat them), and `0` where `gain·x[k]` is zero
/// when `zero_stays_zero`: a signal's pulse quanta (``DeviceWeightUpdater/netQuanta``).
void pp_pulse_quanta(const float *x, ptrdiff_t n, double gain, double lo, double hi, double quantum, int zero_stays_zero, float *out);

/// A signal's pulse counts (``PulseEncoding/count(x:dither:)`` and ``count(delta:dither:)``):
/// `out[k] = sign(c)·R(|c|/quantum)` with `c = min(max(gain·x[k], lo), hi)` (Swift's `min` and
/// `max`) and `R` the rounding `rounding` (0 nearest, ties to even; 1 floor, a ratio within 4 ulp
/// of a whole number taken as it; 2 stochastic, `⌊r + dither⌋`); NaN gives 0. Returns whether
/// any count is non-zero.
int pp_pulse_counts(
    const float *x, ptrdiff_t n, double gain, double lo, double hi, double quantum, int rounding, double dither, int64_t *out);

/// Stochastic rounding of the non-zero quanta `q[0 ..< n]` to signed whole pulse counts, as
/// ``DeviceWeightUpdater/netCounts`` does one by one: the `r`-th non-zero value (from 1) draws
/// SplitMix64's output for the state `state + r·γ`, `u = ⌊z/2¹¹⌋·2⁻⁵³`, and gives
/// `sign(q)·⌊|q| + u⌋` pulses. Writes the position `first_position + k` and count of each
/// non-zero count, in order, to `position` and `count` (room for as many as `q` has non-zero
/// values), and returns how many. The generator's state after the block is `state` plus γ times the
/// block's non-zero values (``pp_count_nonzero``), so blocks can run at once.
ptrdiff_t pp_stochastic_counts(
    const float *q, ptrdiff_t n, ptrdiff_t first_position, uint64_t state, int64_t *position, int64_t *count);

/// `w[k] = Float(max_weight·(x[2k] − x[2k+1]))` for `k` in `[0, n)`: the weights of `n` device
/// pairs from their states (``WeightMapping/read(_:into:)``).
void pp_pair_weights(const double *x, ptrdiff_t n, double max_weight, float *w);

/// Tells the CPU that the caller is spin-waiting (x86 `pause`), which saves power and lets the
/// waited-for store arrive sooner.
static inline void pp_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// The CPU the calling thread runs on (-1 if unknown).
int pp_current_cpu(void);

/// Lets the calling thread run on the process's CPUs except `cpu`, if `cpu` is one of them
/// and at least one other is; returns whether it did. Lets a spinning worker leave the CPU of the thread it
/// works with, where it would only take turns with it.
int pp_avoid_cpu(int cpu);

/// The instruction set the kernels run with on this machine: "avx512" (x86-64-v4: AVX-512 F, BW, CD, DQ and VL), "avx2" or "baseline".
const char *pp_kernel_isa(void);

#endif
