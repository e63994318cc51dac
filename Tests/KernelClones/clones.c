// Checks that the instruction-set copies of the training kernels (Sources/CKernels) give the
// same bits: each copy that this CPU can run gets the same random sparse inputs, and its
// products, both rules' updates and the absmin update on pulse counts are compared with the
// baseline x86-64 copy's byte for byte.
// Built and run by scripts/check-kernel-clones (part of scripts/test). Exit status 1 on a
// difference.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "CKernels.h"

#define COPY(isa, tag)                                                                                              \
    extern void rows_##tag(                                                                                         \
        const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int32_t *, int32_t *, float *)         \
        __asm__("pp_row_lists." isa);                                                                               \
    extern void product_##tag(                                                                                      \
        const int32_t *, const int32_t *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *, ptrdiff_t,  \
        ptrdiff_t, ptrdiff_t, float *, ptrdiff_t) __asm__("pp_list_product." isa);                                  \
    extern void lists_##tag(                                                                                        \
        const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, const uint8_t *, int32_t *, int32_t *, float *)   \
        __asm__("pp_column_lists." isa);                                                                            \
    extern void update_##tag(                                                                                       \
        pp_rule, const int32_t *, const int32_t *, const float *, ptrdiff_t, const float *, ptrdiff_t, ptrdiff_t,    \
        ptrdiff_t, ptrdiff_t, ptrdiff_t, float, float *, float *) __asm__("pp_row_update." isa);                  \
    extern void counts_##tag(                                                                                       \
        const int32_t *, const int32_t *, const float *, ptrdiff_t, const int16_t *, ptrdiff_t, ptrdiff_t, ptrdiff_t, \
        ptrdiff_t, ptrdiff_t, float, float, float *, int16_t *) __asm__("pp_count_update." isa);
COPY("arch_x86-64-v4.0", avx512) COPY("avx2.1", avx2) COPY("default.2", baseline)

enum { BATCH = 37, ROWS = 211, COLS = 110 };
static float x[BATCH * ROWS], w[ROWS * COLS], delta[BATCH * COLS], row[COLS], value[BATCH * ROWS];
static float row_value[BATCH * ROWS];
static int32_t row_index[BATCH * ROWS], row_count[BATCH], count[ROWS], example[BATCH * ROWS];

/// A fixed pseudo-random sequence in [0, 1).
static float uniform(void) {
    static uint64_t state = 88172645463325252ull;
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return (float)(state >> 40) / (float)(1 << 24);
}

typedef struct {
    const char *name;
    void (*rows)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, int32_t *, int32_t *, float *);
    void (*product)(const int32_t *, const int32_t *, const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, const float *,
                    ptrdiff_t, ptrdiff_t, ptrdiff_t, float *, ptrdiff_t);
    void (*lists)(const float *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, const uint8_t *, int32_t *, int32_t *, float *);
    void (*update)(pp_rule, const int32_t *, const int32_t *, const float *, ptrdiff_t, const float *, ptrdiff_t,
                   ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, float, float *, float *);
    void (*counts)(const int32_t *, const int32_t *, const float *, ptrdiff_t, const int16_t *, ptrdiff_t, ptrdiff_t,
                   ptrdiff_t, ptrdiff_t, ptrdiff_t, float, float, float *, int16_t *);
} copy;

static float x_counts[BATCH * ROWS];
static int16_t delta_counts[BATCH * COLS], count_row[COLS];

/// The product and the three updates of one copy, written to `out` (product, then times,
/// absmin and absmin-on-counts weights).
static void run(copy c, float *out) {
    c.rows(x, ROWS, ROWS, 0, BATCH, ROWS, row_count, row_index, row_value);
    c.product(row_count, row_index, row_value, ROWS, 0, BATCH, w, COLS, 0, COLS, out, COLS);
    c.lists(x, ROWS, BATCH, 0, ROWS, NULL, count, example, value);
    for (int rule = 0; rule < 2; rule++) {
        float *weights = out + BATCH * COLS + rule * ROWS * COLS;
        memcpy(weights, w, sizeof w);
        c.update((pp_rule)rule, count, example, value, BATCH, delta, 0, ROWS, COLS, 0, COLS, -0.01f, weights, row);
    }
    float *weights = out + BATCH * COLS + 2 * ROWS * COLS;
    memcpy(weights, w, sizeof w);
    c.lists(x_counts, ROWS, BATCH, 0, ROWS, NULL, count, example, value);
    c.counts(count, example, value, BATCH, delta_counts, 0, ROWS, COLS, 0, COLS, 0.05f, -0.01f, weights, count_row);
}

int main(void) {
    for (int i = 0; i < BATCH * ROWS; i++) x[i] = uniform() < 0.2f ? uniform() : 0;
    for (int i = 0; i < ROWS * COLS; i++) w[i] = uniform() - 0.5f;
    for (int i = 0; i < BATCH * COLS; i++) delta[i] = 2 * uniform() - 1;
    for (int i = 0; i < BATCH * ROWS; i++) x_counts[i] = (float)(int)(x[i] * 20);
    for (int i = 0; i < BATCH * COLS; i++) delta_counts[i] = (int16_t)(int)(delta[i] * 40);
    static float reference[BATCH * COLS + 3 * ROWS * COLS], result[BATCH * COLS + 3 * ROWS * COLS];
    run((copy){"baseline", rows_baseline, product_baseline, lists_baseline, update_baseline, counts_baseline}, reference);
    __builtin_cpu_init();
    const copy copies[] = {{"avx2", rows_avx2, product_avx2, lists_avx2, update_avx2, counts_avx2},
                           {"avx512", rows_avx512, product_avx512, lists_avx512, update_avx512, counts_avx512}};
    int failed = 0;
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? __builtin_cpu_supports("avx2") : __builtin_cpu_supports("x86-64-v4"))) {
            printf("kernel copies: %s not supported by this CPU, not compared\n", copies[k].name);
            continue;
        }
        run(copies[k], result);
        const int same = memcmp(result, reference, sizeof result) == 0;
        printf("kernel copies: %s %s the baseline copy's bits\n", copies[k].name, same ? "gives" : "DOES NOT give");
        failed |= !same;
    }
    return failed;
}
