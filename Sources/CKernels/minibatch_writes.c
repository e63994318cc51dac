// Minibatch writes of device weights: signals to pulse quanta and summed quanta to net pulse
// counts with stochastic rounding (Sources/PulseProp/Learning/DeviceWeightUpdater+MinibatchWrites.swift),
// and the sums of device states behind the energy estimate of a one-pass write
// (Sources/PulseProp/Engines/AnalyticEngine+RowWrites.swift).
// Multiplies and adds are never fused: the same bits on every instruction set.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

#include <string.h>

#include "multiversion.h"

/// SplitMix64's increment (``SeededGenerator``): the r-th draw is the output for the state
/// before the draws plus r·γ.
static const uint64_t splitmix_gamma = 0x9E3779B97F4A7C15ull;

MULTIVERSION
void pp_pulse_quanta(const float *x, ptrdiff_t n, double gain, double lo, double hi, double quantum, int zero_stays_zero, float *out) {
    for (ptrdiff_t k = 0; k < n; k++) {
        const double v = gain * (double)x[k];
        // Swift's max(v, lo) and min(·, hi), NaN and signed zeros included.
        const double raised = lo >= v ? lo : v;
        const double clipped = hi < raised ? hi : raised;
        const float q = (float)(clipped / quantum);
        out[k] = (zero_stays_zero && v == 0) ? 0.0f : q;
    }
}

/// SplitMix64's output for the state `s` (``SeededGenerator``).
static inline uint64_t splitmix_output(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// One value of ``pp_stochastic_counts``: a draw only when `v` is non-zero, and the count
/// stored whatever it is but kept only when non-zero (no branch to mispredict).
static inline __attribute__((always_inline)) void round_one(float v, ptrdiff_t position, uint64_t *state, int64_t *positions, int64_t *counts, ptrdiff_t *m) {
    *state += v != 0 ? splitmix_gamma : 0;
    const double u = (double)(splitmix_output(*state) >> 11) * 0x1p-53;
    const double rounded = (double)(v < 0 ? -v : v) + u;
    // A select of doubles, then a conversion, both without a branch (NaN gives 0).
    const double kept = rounded >= 1 ? rounded : 0.0;
    const int64_t whole = (int64_t)kept;
    positions[*m] = position;
    counts[*m] = v < 0 ? -whole : whole;
    *m += whole != 0;
}

typedef float f32x8 __attribute__((ext_vector_type(8)));
typedef int32_t i32x8 __attribute__((ext_vector_type(8)));
typedef uint64_t u64x8 __attribute__((ext_vector_type(8)));
typedef int64_t i64x8 __attribute__((ext_vector_type(8)));
typedef double f64x8 __attribute__((ext_vector_type(8)));

/// ``round_one`` for the eight values at `q` at once, all with magnitudes below 2³⁰ (counts that fit
/// 32 bits): each lane's draw is the state advanced by its rank among the block's non-zero
/// values, so the draws are those of the values one by one.
static inline __attribute__((always_inline)) void round_eight(const float *q, ptrdiff_t position, uint64_t *state, int64_t *positions, int64_t *counts, ptrdiff_t *m) {
    f32x8 v;
    memcpy(&v, q, sizeof v);
    uint64_t ranks[8];
    uint64_t rank = 0;
    for (int l = 0; l < 8; l++) {
        rank += v[l] != 0;
        ranks[l] = rank;
    }
    u64x8 z;
    memcpy(&z, ranks, sizeof z);
    z = *state + z * splitmix_gamma;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    // u = ⌊z/2¹¹⌋·2⁻⁵³, exactly, without a 64-bit conversion (AVX2 has none): the top 52 bits
    // as the mantissa of 2⁵² + h, then the 53rd bit as 2⁻⁵³ (both terms and the sum are exact).
    const u64x8 high = z >> 12;
    const f64x8 h = __builtin_bit_cast(f64x8, high | 0x4330000000000000ull) - 0x1p52;
    const i64x8 low = -(i64x8)((z >> 11) & 1);
    const f64x8 u = h * 0x1p-52 + __builtin_bit_cast(f64x8, low & __builtin_bit_cast(i64x8, (f64x8)0x1p-53));
    const f32x8 magnitude = v < 0 ? -v : v;
    const f64x8 rounded = __builtin_convertvector(magnitude, f64x8) + u;
    // Zero below one pulse (NaN too); zero lanes have |q| + u < 1.
    const i64x8 keep = rounded >= 1;
    const f64x8 kept = __builtin_bit_cast(f64x8, keep & __builtin_bit_cast(i64x8, rounded));
    const i32x8 whole = __builtin_convertvector(kept, i32x8);
    const i32x8 signed_whole = v < 0 ? -whole : whole;
    for (int l = 0; l < 8; l++) {
        positions[*m] = position + l;
        counts[*m] = signed_whole[l];
        *m += signed_whole[l] != 0;
    }
    *state += rank * splitmix_gamma;
}

MULTIVERSION
ptrdiff_t pp_stochastic_counts(
    const float *q, ptrdiff_t n, ptrdiff_t first_position, uint64_t state, int64_t *position, int64_t *count) {
    ptrdiff_t m = 0;
    ptrdiff_t k = 0;
    // Eight at a time, passing over eight zeros (rows no example reached) at once.
    for (; k + 8 <= n; k += 8) {
        f32x8 eight;
        memcpy(&eight, q + k, sizeof eight);
        const i32x8 nonzero = eight != 0;
        int any = 0;
        for (int l = 0; l < 8; l++) any |= nonzero[l];
        if (!any) continue;
        const i32x8 small = (eight < 0x1p30f) & (eight > -0x1p30f);
        int all_small = 1;
        for (int l = 0; l < 8; l++) all_small &= small[l] != 0;
        if (all_small) {
            round_eight(q + k, first_position + k, &state, position, count, &m);
        } else {
            for (int l = 0; l < 8; l++) round_one(eight[l], first_position + k + l, &state, position, count, &m);
        }
    }
    for (; k < n; k++) round_one(q[k], first_position + k, &state, position, count, &m);
    return m;
}

MULTIVERSION
void pp_column_sums(const double *x, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, double *sums) {
    for (ptrdiff_t j = c0; j < c1; j++) sums[j] = 0;
    for (ptrdiff_t i = 0; i < rows; i++) {
        const double *row = x + i * cols;
        for (ptrdiff_t j = c0; j < c1; j++) sums[j] += row[j];
    }
}

MULTIVERSION
void pp_row_sums(const double *x, ptrdiff_t cols, const int64_t *rows, ptrdiff_t n, double *sums) {
    // Eight rows at once: eight independent chains of additions, each in column order.
    ptrdiff_t r = 0;
    for (; r + 8 <= n; r += 8) {
        const double *row[8];
        double s[8];
        for (int l = 0; l < 8; l++) {
            row[l] = x + rows[r + l] * cols;
            s[l] = 0;
        }
        for (ptrdiff_t j = 0; j < cols; j++) {
            for (int l = 0; l < 8; l++) s[l] += row[l][j];
        }
        for (int l = 0; l < 8; l++) sums[r + l] = s[l];
    }
    for (; r < n; r++) {
        const double *row = x + rows[r] * cols;
        double s = 0;
        for (ptrdiff_t j = 0; j < cols; j++) s += row[j];
        sums[r] = s;
    }
}

MULTIVERSION
void pp_pair_weights(const double *x, ptrdiff_t n, double max_weight, float *w) {
    for (ptrdiff_t k = 0; k < n; k++) w[k] = (float)(max_weight * (x[2 * k] - x[2 * k + 1]));
}
