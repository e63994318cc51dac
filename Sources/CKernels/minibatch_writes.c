// Minibatch writes of device weights: signals to pulse quanta and summed quanta to net pulse
// counts with stochastic rounding (Sources/PulseProp/Learning/DeviceWeightUpdater+MinibatchWrites.swift),
// and the pair read-back (Sources/PulseProp/Learning/WeightMapping.swift).
// Multiplies and adds are never fused: the same bits on every instruction set.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

#include <string.h>

#include "multiversion.h"

/// SplitMix64's increment (``SeededGenerator``): the r-th draw is the output for the state
/// before the draws plus r·γ.
static const uint64_t splitmix_gamma = 0x9E3779B97F4A7C15ull;

typedef float f32x16 __attribute__((ext_vector_type(16)));
typedef int32_t i32x16 __attribute__((ext_vector_type(16)));
typedef int64_t i64x16 __attribute__((ext_vector_type(16)));
typedef double f64x16 __attribute__((ext_vector_type(16)));

/// ``pp_pulse_quanta`` for sixteen values, as vectors (read before written, so `out` may be
/// `x`: most calls convert a list in place).
static inline __attribute__((always_inline)) void pulse_quanta16(
    const float *x, double gain, double lo, double hi, double quantum, int zero_stays_zero, float *out) {
    f32x16 in;
    memcpy(&in, x, sizeof in);
    const f64x16 v = gain * __builtin_convertvector(in, f64x16);
    const f64x16 low = lo, high = hi;
    // Swift's max(v, lo) and min(·, hi), NaN and signed zeros included.
    const f64x16 raised = lo >= v ? low : v;
    const f64x16 clipped = hi < raised ? high : raised;
    f32x16 q = __builtin_convertvector(clipped / quantum, f32x16);
    if (zero_stays_zero) {
        const i32x16 zero = __builtin_convertvector((i64x16)(v == 0), i32x16);
        q = __builtin_bit_cast(f32x16, __builtin_bit_cast(i32x16, q) & ~zero);
    }
    memcpy(out, &q, sizeof q);
}

MULTIVERSION
void pp_pulse_quanta(const float *x, ptrdiff_t n, double gain, double lo, double hi, double quantum, int zero_stays_zero, float *out) {
    ptrdiff_t k = 0;
    for (; k + 16 <= n; k += 16) pulse_quanta16(x + k, gain, lo, hi, quantum, zero_stays_zero, out + k);
    if (k == n) return;
    // The last values through the same lanes (most lists are short: a row's examples), padded.
    float in[16] = {0}, quanta[16];
    memcpy(in, x + k, (size_t)(n - k) * sizeof *in);
    pulse_quanta16(in, gain, lo, hi, quantum, zero_stays_zero, quanta);
    memcpy(out + k, quanta, (size_t)(n - k) * sizeof *out);
}

/// SplitMix64's output mix (``SeededGenerator``), in place on `z`: one state, or a vector of
/// them (the operators are the same).
#define SPLITMIX_MIX(z)                              \
    do {                                             \
        (z) = ((z) ^ ((z) >> 30)) * 0xBF58476D1CE4E5B9ull; \
        (z) = ((z) ^ ((z) >> 27)) * 0x94D049BB133111EBull; \
        (z) = (z) ^ ((z) >> 31);                     \
    } while (0)

/// SplitMix64's output for the state `s` (``SeededGenerator``).
static inline uint64_t splitmix_output(uint64_t z) {
    SPLITMIX_MIX(z);
    return z;
}

/// ``pp_stochastic_counts``'s count for the value `v` and the generator state of its draw `s`
/// (after the draw's increment): `sign(v)·⌊|v| + u⌋`, zero below one pulse and for NaN.
static inline int64_t round_draw(float v, uint64_t s) {
    const double u = (double)(splitmix_output(s) >> 11) * 0x1p-53;
    const double rounded = (double)(v < 0 ? -v : v) + u;
    const double kept = rounded >= 1 ? rounded : 0.0;
    const int64_t whole = (int64_t)kept;
    return v < 0 ? -whole : whole;
}

typedef float f32x8 __attribute__((ext_vector_type(8)));
typedef int32_t i32x8 __attribute__((ext_vector_type(8)));
typedef uint64_t u64x8 __attribute__((ext_vector_type(8)));
typedef int64_t i64x8 __attribute__((ext_vector_type(8)));
typedef double f64x8 __attribute__((ext_vector_type(8)));

typedef _Bool b8 __attribute__((ext_vector_type(8)));

/// The lanes of a comparison as the bits of a byte (a mask move, not eight tests).
#define LANE_BITS(comparison) ((unsigned)__builtin_bit_cast(uint8_t, __builtin_convertvector(comparison, b8)))

/// The values of a chunk are first packed (the non-zero ones with their offsets), then rounded
/// eight at a time: the packed value `r` (from 0) draws for the state `state + (r + 1)·γ`, so
/// no lane waits for a rank and the draws are those of the values one by one.
enum { stochastic_chunk = 512 };

MULTIVERSION
ptrdiff_t pp_stochastic_counts(
    const float *q, ptrdiff_t n, ptrdiff_t first_position, uint64_t state, int64_t *position, int64_t *count) {
    float packed[stochastic_chunk + 8];
    int32_t offset[stochastic_chunk + 8];
    const u64x8 lane = {1, 2, 3, 4, 5, 6, 7, 8};
    const u64x8 lanes_gamma = lane * splitmix_gamma;
    ptrdiff_t m = 0;
    for (ptrdiff_t c = 0; c < n; c += stochastic_chunk) {
        const ptrdiff_t end = c + stochastic_chunk < n ? c + stochastic_chunk : n;
        // The chunk's non-zero values in order; eight zeros (rows no example reached) at once.
        ptrdiff_t z = 0, k = c;
        for (; k + 8 <= end; k += 8) {
            f32x8 eight;
            memcpy(&eight, q + k, sizeof eight);
            const unsigned bits = LANE_BITS(eight != 0);
            if (bits == 0) continue;
            if (bits == 0xFF) {
                memcpy(packed + z, &eight, sizeof eight);
                for (int l = 0; l < 8; l++) offset[z + l] = (int32_t)(k - c + l);
                z += 8;
                continue;
            }
            for (int l = 0; l < 8; l++) {
                packed[z] = q[k + l];
                offset[z] = (int32_t)(k - c + l);
                z += (bits >> l) & 1;
            }
        }
        for (; k < end; k++) {
            packed[z] = q[k];
            offset[z] = (int32_t)(k - c);
            z += q[k] != 0;
        }
        // Lanes past the last value hold zeros: |0| + u < 1 keeps nothing.
        for (int l = 0; l < 8; l++) packed[z + l] = 0;
        u64x8 next = state + lanes_gamma;
        for (ptrdiff_t r = 0; r < z; r += 8, next += 8 * splitmix_gamma) {
            f32x8 v;
            memcpy(&v, packed + r, sizeof v);
            const u64x8 s = next;
            if (LANE_BITS((v < 0x1p30f) & (v > -0x1p30f)) != 0xFF) {
                // Counts beyond 32 bits (or NaN): one at a time.
                for (int l = 0; l < 8 && r + l < z; l++) {
                    const int64_t whole = round_draw(v[l], s[l]);
                    if (whole == 0) continue;
                    position[m] = first_position + c + offset[r + l];
                    count[m] = whole;
                    m++;
                }
                continue;
            }
            u64x8 x = s;
            SPLITMIX_MIX(x);
            // u = ⌊x/2¹¹⌋·2⁻⁵³, exactly, without a 64-bit conversion (AVX2 has none): the top 52
            // bits as the mantissa of 2⁵² + h, then the 53rd bit as 2⁻⁵³ (both terms and the sum
            // are exact).
            const u64x8 high = x >> 12;
            const f64x8 h = __builtin_bit_cast(f64x8, high | 0x4330000000000000ull) - 0x1p52;
            const i64x8 low = -(i64x8)((x >> 11) & 1);
            const f64x8 u = h * 0x1p-52 + __builtin_bit_cast(f64x8, low & __builtin_bit_cast(i64x8, (f64x8)0x1p-53));
            const f32x8 magnitude = v < 0 ? -v : v;
            const f64x8 rounded = __builtin_convertvector(magnitude, f64x8) + u;
            // Most sums round to no pulse: the lanes kept are few, stored one by one.
            unsigned kept = LANE_BITS(rounded >= 1);
            if (kept == 0) continue;
            const i32x8 whole = __builtin_convertvector(rounded, i32x8);
            while (kept) {
                const int l = __builtin_ctz(kept);
                kept &= kept - 1;
                position[m] = first_position + c + offset[r + l];
                count[m] = v[l] < 0 ? -whole[l] : whole[l];
                m++;
            }
        }
        state += (uint64_t)z * splitmix_gamma;
    }
    return m;
}

MULTIVERSION
void pp_pair_weights(const double *x, ptrdiff_t n, double max_weight, float *w) {
    for (ptrdiff_t k = 0; k < n; k++) w[k] = (float)(max_weight * (x[2 * k] - x[2 * k + 1]));
}

MULTIVERSION
int pp_pulse_counts(
    const float *x, ptrdiff_t n, double gain, double lo, double hi, double quantum, int rounding, double dither, int64_t *out) {
    int any = 0;
    for (ptrdiff_t k = 0; k < n; k++) {
        const double v = gain * (double)x[k];
        // Swift's max(v, lo) and min(·, hi), NaN and signed zeros included.
        const double raised = lo >= v ? lo : v;
        const double clipped = hi < raised ? hi : raised;
        const double ratio = (clipped < 0 ? -clipped : clipped) / quantum;
        const double nearest = __builtin_rint(ratio);
        double whole;
        if (rounding == 0) {
            whole = nearest;
        } else if (rounding == 1) {
            // Toward zero, but a ratio within 4 ulp of a whole number is that number (Swift's
            // `ulp`: of a whole number ≥ 1 its exponent's, of 0 the least subnormal).
            uint64_t bits;
            memcpy(&bits, &nearest, sizeof bits);
            const uint64_t ulp_bits = (bits & 0x7FF0000000000000ull) - (52ull << 52);
            double ulp;
            memcpy(&ulp, &ulp_bits, sizeof ulp);
            ulp = nearest == 0 ? 0x1p-1074 : ulp;
            const double off = ratio - nearest;
            whole = (off < 0 ? -off : off) <= 4 * ulp ? nearest : __builtin_trunc(ratio);
        } else {
            whole = __builtin_floor(ratio + dither);
        }
        const int64_t m = whole == whole ? (int64_t)whole : 0;
        out[k] = clipped < 0 ? -m : m;
        any |= m != 0;
    }
    return any;
}
