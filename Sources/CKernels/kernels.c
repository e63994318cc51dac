// Multiplies and adds are never fused: the same bits on every instruction set.
#pragma STDC FP_CONTRACT OFF
#include "CKernels.h"

#include <string.h>

// The v16 helpers below are always inlined, so passing v16 values between them has no ABI.
#pragma clang diagnostic ignored "-Wpsabi"

/// Sixteen floats: one AVX-512 register, two AVX2 ones, four SSE ones.
typedef float v16 __attribute__((ext_vector_type(16)));
typedef int32_t m16 __attribute__((ext_vector_type(16)));
typedef _Bool b16 __attribute__((ext_vector_type(16)));
/// Thirty-two 16-bit pulse counts: one AVX-512 register, two AVX2 ones, four SSE ones.
typedef int16_t c32 __attribute__((ext_vector_type(32)));

#include "multiversion.h"

#define INLINE static inline __attribute__((always_inline))

/// Lanes of 16 floats held in registers at once, at most: 8 with AVX-512's 32 registers (128
/// columns), 4 otherwise (``lane_group``).
enum { GROUP = 8 };

INLINE v16 load16(const float *p) {
    v16 v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store16(float *p, v16 v) { memcpy(p, &v, sizeof v); }

/// `d < lo ? lo : d`, then `> hi ? hi : ·`: one max and one min instruction per register
/// (written as selects because `__builtin_elementwise_max` adds NaN fix-ups).
INLINE v16 clamp16(v16 d, float bound) {
    const v16 lo = -bound, hi = bound;
    const m16 below = d < lo;
    const v16 raised = __builtin_bit_cast(v16, (below & __builtin_bit_cast(m16, lo)) | (~below & __builtin_bit_cast(m16, d)));
    const m16 above = raised > hi;
    return __builtin_bit_cast(v16, (above & __builtin_bit_cast(m16, hi)) | (~above & __builtin_bit_cast(m16, raised)));
}

INLINE float clamp1(float d, float bound) {
    const float raised = d < -bound ? -bound : d;
    return raised > bound ? bound : raised;
}

/// Column offset of lane `g` of the columns `[c0, c1)`, `c1 − c0 ≥ 16`: `c0 + 16·g`, except
/// that the last lane ends at `c1` (overlapping its neighbour when the width is not a multiple
/// of 16; both compute the same values for the shared columns).
INLINE ptrdiff_t lane_offset(ptrdiff_t g, ptrdiff_t c0, ptrdiff_t c1) {
    const ptrdiff_t offset = c0 + 16 * g;
    return offset + 16 <= c1 ? offset : c1 - 16;
}

/// Bit `k` set when `x[k] ≠ 0`, for 16 values (a compare and a mask move on AVX2/AVX-512).
INLINE uint64_t nonzero_mask(const float *x) {
    const b16 nonzero = __builtin_convertvector(load16(x) != 0, b16);
    return __builtin_bit_cast(uint16_t, nonzero);
}

/// Bit `k` set when `x[k] ≠ 0`, for 64 values: the scans below visit set bits in runs of 64,
/// so a row of 785 inputs ends its bit loop 13 times (each a likely mispredicted branch)
/// instead of 50.
INLINE uint64_t nonzero_mask64(const float *x) {
    return nonzero_mask(x) | nonzero_mask(x + 16) << 16 | nonzero_mask(x + 32) << 32 | nonzero_mask(x + 48) << 48;
}

/// Writes the indices `i` with `x[i] ≠ 0` to `index` in ascending order, and `x[i]` to
/// `value`, and returns their number: 64 values are tested at once and only the set bits are
/// visited, so runs of zeros (an image's border) cost one test per 64.
INLINE ptrdiff_t nonzero_entries(const float *x, ptrdiff_t count, int32_t *index, float *value) {
    ptrdiff_t n = 0, i = 0;
    for (; i + 64 <= count; i += 64) {
        for (uint64_t mask = nonzero_mask64(x + i); mask != 0; mask &= mask - 1, n++) {
            index[n] = (int32_t)(i + __builtin_ctzll(mask));
            value[n] = x[index[n]];
        }
    }
    for (; i + 16 <= count; i += 16) {
        for (uint64_t mask = nonzero_mask(x + i); mask != 0; mask &= mask - 1, n++) {
            index[n] = (int32_t)(i + __builtin_ctzll(mask));
            value[n] = x[index[n]];
        }
    }
    for (; i < count; i++) {
        if (x[i] != 0) index[n] = (int32_t)i, value[n++] = x[i];
    }
    return n;
}

/// Lanes summed in one pass over a list: 8 where the CPU has AVX-512's 32 vector registers
/// (the 110 columns of the MNIST network in one pass instead of two: the index and value of
/// each entry are loaded once), else 4, which fit AVX2's 16. Each lane's sums are the same
/// whatever the group, so the choice does not change results.
INLINE ptrdiff_t lane_group(void) {
#if WITH_AVX512
    return __builtin_cpu_supports("avx512f") ? 8 : 4;
#else
    return 4;
#endif
}

/// Writes `out[j] = Σ_k u(value[k], m[index[k], j])` for the `lanes` lanes from lane `g0`.
INLINE void sum_lanes(
    pp_rule rule, const int32_t *index, const float *value, ptrdiff_t n, const float *m, ptrdiff_t cols,
    ptrdiff_t c0, ptrdiff_t c1, ptrdiff_t g0, int lanes, float *out) {
    v16 acc[GROUP];
    ptrdiff_t offset[GROUP];
    for (int t = 0; t < lanes; t++) {
        acc[t] = 0;
        offset[t] = lane_offset(g0 + t, c0, c1);
    }
    for (ptrdiff_t k = 0; k < n; k++) {
        const float a = value[k];
        const float *row = m + (ptrdiff_t)index[k] * cols;
        for (int t = 0; t < lanes; t++) {
            const v16 mk = load16(row + offset[t]);
            acc[t] += rule == PP_TIMES ? a * mk : clamp16(mk, a);
        }
    }
    for (int t = 0; t < lanes; t++) store16(out + offset[t], acc[t]);
}

/// `out[j] = Σ_k u(value[k], m[index[k], j])` for the columns `[c0, c1)` of the `cols`-column
/// matrix `m`, summed in `k` order from 0: the row update's sum over examples (`m` = `δ`) and
/// the sparse product's sum over inputs (`m` = `W`, `u` = times). Up to 128 columns at a time
/// (``lane_group``) are summed in registers.
INLINE void sum_rows(
    pp_rule rule, const int32_t *index, const float *value, ptrdiff_t n, const float *m, ptrdiff_t cols,
    ptrdiff_t c0, ptrdiff_t c1, float *out) {
    if (c1 - c0 < 16) {
        for (ptrdiff_t j = c0; j < c1; j++) {
            float sum = 0;
            for (ptrdiff_t k = 0; k < n; k++) {
                const float mk = m[(ptrdiff_t)index[k] * cols + j];
                sum += rule == PP_TIMES ? value[k] * mk : clamp1(mk, value[k]);
            }
            out[j] = sum;
        }
        return;
    }
    const ptrdiff_t lanes = (c1 - c0 + 15) / 16;
    const ptrdiff_t group = lane_group();
    for (ptrdiff_t g = 0; g < lanes; g += group) {
        switch (lanes - g < group ? lanes - g : group) {
        case 1: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 1, out); break;
        case 2: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 2, out); break;
        case 3: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 3, out); break;
        case 4: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 4, out); break;
        case 5: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 5, out); break;
        case 6: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 6, out); break;
        case 7: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 7, out); break;
        default: sum_lanes(rule, index, value, n, m, cols, c0, c1, g, 8, out); break;
        }
    }
}

/// Appends example `b`'s value of column `r` to column `r`'s list.
INLINE void append(
    ptrdiff_t r, ptrdiff_t b, const float *xb, ptrdiff_t batch, int32_t *count, int32_t *example, float *value) {
    const ptrdiff_t slot = r * batch + count[r]++;
    example[slot] = (int32_t)b;
    value[slot] = xb[r];
}

MULTIVERSION
void pp_row_lists(
    const float *x, ptrdiff_t x_stride, ptrdiff_t cols, ptrdiff_t first, ptrdiff_t last, ptrdiff_t room,
    int32_t *count, int32_t *index, float *value) {
    for (ptrdiff_t b = first; b < last; b++) {
        count[b] = (int32_t)nonzero_entries(x + b * x_stride, cols, index + b * room, value + b * room);
    }
}

MULTIVERSION
void pp_gather_rows(
    const ptrdiff_t *start, const int32_t *column, const float *value, const ptrdiff_t *examples, ptrdiff_t first,
    ptrdiff_t last, ptrdiff_t features, float *x, ptrdiff_t x_stride, ptrdiff_t room, int32_t *count, int32_t *index,
    float *entries) {
    enum { AHEAD = 4, LINE = 64 };
    for (ptrdiff_t b = first; b < last; b++) {
        // The examples are random rows of a large set: ask for a later example's entries now,
        // so that its memory latency overlaps this example's work.
        if (b + 2 * AHEAD < last) __builtin_prefetch(start + examples[b + 2 * AHEAD]);
        if (b + AHEAD < last) {
            const ptrdiff_t e = examples[b + AHEAD], from = start[e], bytes = (start[e + 1] - from) * 4;
            for (ptrdiff_t offset = 0; offset < bytes; offset += LINE) {
                __builtin_prefetch((const char *)(column + from) + offset);
                __builtin_prefetch((const char *)(value + from) + offset);
            }
        }
        const ptrdiff_t e = examples[b], from = start[e], n = start[e + 1] - from;
        float *row = x + b * x_stride;
        memset(row, 0, (size_t)features * sizeof *row);
        for (ptrdiff_t k = 0; k < n; k++) row[column[from + k]] = value[from + k];
        memcpy(index + b * room, column + from, (size_t)n * sizeof *index);
        memcpy(entries + b * room, value + from, (size_t)n * sizeof *entries);
        count[b] = (int32_t)n;
    }
}

MULTIVERSION
void pp_list_product(
    const int32_t *count, const int32_t *index, const float *value, ptrdiff_t room, ptrdiff_t first, ptrdiff_t last,
    const float *w, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float *z, ptrdiff_t z_stride) {
    for (ptrdiff_t b = first; b < last; b++) {
        // z[b, j] = Σ_k value[k]·w[index[k], j]: the `times` sum over rows of W.
        sum_rows(PP_TIMES, index + b * room, value + b * room, count[b], w, cols, c0, c1, z + b * z_stride);
    }
}

MULTIVERSION
void pp_column_lists(
    const float *x, ptrdiff_t x_stride, ptrdiff_t batch, ptrdiff_t first, ptrdiff_t last, const uint8_t *active,
    int32_t *count, int32_t *example, float *value) {
    for (ptrdiff_t i = first; i < last; i++) count[i] = 0;
    for (ptrdiff_t b = 0; b < batch; b++) {
        if (active != NULL && !active[b]) continue;
        const float *xb = x + b * x_stride;
        ptrdiff_t i = first;
        for (; i + 64 <= last; i += 64) {
            for (uint64_t mask = nonzero_mask64(xb + i); mask != 0; mask &= mask - 1) {
                append(i + __builtin_ctzll(mask), b, xb, batch, count, example, value);
            }
        }
        for (; i + 16 <= last; i += 16) {
            for (uint64_t mask = nonzero_mask(xb + i); mask != 0; mask &= mask - 1) {
                append(i + __builtin_ctzll(mask), b, xb, batch, count, example, value);
            }
        }
        for (; i < last; i++) {
            if (xb[i] != 0) append(i, b, xb, batch, count, example, value);
        }
    }
}

/// The first of the `n` ascending `index` values that is at least `first` (`n` if none): a
/// binary search whose steps are conditional moves, not branches (which would mispredict half
/// the time).
INLINE ptrdiff_t lower_bound(const int32_t *index, ptrdiff_t n, ptrdiff_t first) {
    const int32_t *base = index;
    for (ptrdiff_t len = n; len > 1;) {
        const ptrdiff_t half = len / 2;
        base = base[half - 1] < first ? base + half : base;
        len -= half;
    }
    return (base - index) + (n > 0 && *base < first);
}

MULTIVERSION
void pp_transpose_lists(
    const int32_t *row_count, const int32_t *row_index, const float *row_value, ptrdiff_t row_room, ptrdiff_t batch,
    ptrdiff_t first, ptrdiff_t last, const uint8_t *active, int32_t *count, int32_t *example, float *value) {
    for (ptrdiff_t i = first; i < last; i++) count[i] = 0;
    for (ptrdiff_t b = 0; b < batch; b++) {
        if (active != NULL && !active[b]) continue;
        const int32_t *index = row_index + b * row_room;
        const float *xb = row_value + b * row_room;
        const ptrdiff_t n = row_count[b];
        for (ptrdiff_t k = lower_bound(index, n, first); k < n && index[k] < last; k++) {
            const ptrdiff_t slot = (ptrdiff_t)index[k] * batch + count[index[k]]++;
            example[slot] = (int32_t)b;
            value[slot] = xb[k];
        }
    }
}

MULTIVERSION
void pp_row_update(
    pp_rule rule, const int32_t *count, const int32_t *example, const float *value, ptrdiff_t batch,
    const float *delta, ptrdiff_t first, ptrdiff_t last, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float scale,
    float *w, float *row) {
    for (ptrdiff_t i = first; i < last; i++) {
        const ptrdiff_t n = count[i];
        if (n == 0) continue;
        const int32_t *index = example + i * batch;
        const float *x = value + i * batch;
        // The rule is a constant in each call, so each copy of the loop has one kind of term.
        if (rule == PP_TIMES) {
            sum_rows(PP_TIMES, index, x, n, delta, cols, c0, c1, row);
        } else {
            sum_rows(PP_ABSMIN, index, x, n, delta, cols, c0, c1, row);
        }
        float *wi = w + i * cols;
        for (ptrdiff_t j = c0; j < c1; j++) wi[j] += scale * row[j];
    }
}

INLINE c32 load32c(const int16_t *p) {
    c32 v;
    memcpy(&v, p, sizeof v);
    return v;
}

INLINE void store32c(int16_t *p, c32 v) { memcpy(p, &v, sizeof v); }

/// Writes `out[j] = Σ_k clamp(n_δ[index[k], j], −n_x[k], n_x[k])` for the columns `[c0, c1)`,
/// in 32-count lanes (the last one ending at `c1`, overlapping its neighbour), or one column at
/// a time when the range is narrower than a lane.
INLINE void count_rows(
    const int32_t *index, const float *nx, ptrdiff_t n, const int16_t *nd, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1,
    int16_t *out) {
    if (c1 - c0 < 32) {
        for (ptrdiff_t j = c0; j < c1; j++) {
            int16_t sum = 0;
            for (ptrdiff_t k = 0; k < n; k++) {
                const int16_t d = nd[(ptrdiff_t)index[k] * cols + j], a = (int16_t)nx[k];
                sum += d < -a ? -a : (d > a ? a : d);
            }
            out[j] = sum;
        }
        return;
    }
    for (ptrdiff_t g = c0; g < c1; g += 32 * 2) {
        // Two lanes at a time; a lane that would pass c1 ends at c1 instead.
        const ptrdiff_t o0 = g + 32 <= c1 ? g : c1 - 32;
        const ptrdiff_t o1 = g + 64 <= c1 ? g + 32 : c1 - 32;
        c32 acc0 = 0, acc1 = 0;
        for (ptrdiff_t k = 0; k < n; k++) {
            const int16_t a = (int16_t)nx[k];
            const c32 hi = a, lo = -a;
            const int16_t *row = nd + (ptrdiff_t)index[k] * cols;
            c32 d0 = load32c(row + o0), d1 = load32c(row + o1);
            d0 = d0 < lo ? lo : d0;
            d1 = d1 < lo ? lo : d1;
            acc0 += d0 > hi ? hi : d0;
            acc1 += d1 > hi ? hi : d1;
        }
        store32c(out + o0, acc0);
        store32c(out + o1, acc1);
    }
}

MULTIVERSION
void pp_count_update(
    const int32_t *count, const int32_t *example, const float *nx, ptrdiff_t batch, const int16_t *nd,
    ptrdiff_t first, ptrdiff_t last, ptrdiff_t cols, ptrdiff_t c0, ptrdiff_t c1, float quantum, float scale, float *w,
    int16_t *row) {
    for (ptrdiff_t i = first; i < last; i++) {
        const ptrdiff_t n = count[i];
        if (n == 0) continue;
        count_rows(example + i * batch, nx + i * batch, n, nd, cols, c0, c1, row);
        float *wi = w + i * cols;
        for (ptrdiff_t j = c0; j < c1; j++) wi[j] += scale * ((float)row[j] * quantum);
    }
}

MULTIVERSION
ptrdiff_t pp_count_nonzero(const float *x, ptrdiff_t rows, ptrdiff_t cols, ptrdiff_t stride) {
    ptrdiff_t count = 0;
    for (ptrdiff_t b = 0; b < rows; b++) {
        const float *xb = x + b * stride;
        int32_t row = 0;
        for (ptrdiff_t i = 0; i < cols; i++) row += xb[i] != 0;
        count += row;
    }
    return count;
}

MULTIVERSION
ptrdiff_t pp_nonzero_rows(const float *delta, ptrdiff_t batch, ptrdiff_t cols, uint8_t *active) {
    ptrdiff_t count = 0;
    for (ptrdiff_t b = 0; b < batch; b++) {
        const float *d = delta + b * cols;
        int any = 0;
        for (ptrdiff_t j = 0; j < cols; j++) any |= d[j] != 0;
        active[b] = (uint8_t)any;
        count += any;
    }
    return count;
}

const char *pp_kernel_isa(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
#if WITH_AVX512
    if (__builtin_cpu_supports("x86-64-v4")) return "avx512";
#endif
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "baseline";
}
