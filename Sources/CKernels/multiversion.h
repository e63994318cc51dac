#ifndef PULSEPROP_MULTIVERSION_H
#define PULSEPROP_MULTIVERSION_H
// Each public kernel is compiled three times and the loader picks the widest one the CPU has
// (an ELF ifunc): AVX-512 as x86-64-v4 has it (F, BW, DQ, VL: 16-bit integer operations and
// 64-bit multiplies), AVX2, baseline x86-64. The
// inline helpers are compiled into each copy. Built with PULSEPROP_KERNELS_UP_TO_AVX2 defined
// (`scripts/bench-train --as-avx2`), the kernels stop at AVX2, as on a machine without AVX-512:
// WITH_AVX512 is that one switch.
#if defined(__x86_64__) && !defined(PULSEPROP_KERNELS_UP_TO_AVX2)
#define WITH_AVX512 1
#else
#define WITH_AVX512 0
#endif
#if defined(__x86_64__) && defined(__ELF__) && WITH_AVX512
#define MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#elif defined(__x86_64__) && defined(__ELF__)
#define MULTIVERSION __attribute__((target_clones("avx2", "default")))
#else
#define MULTIVERSION
#endif

#endif
