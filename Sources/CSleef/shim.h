// SLEEF 3.5 (Debian's libsleef-dev), the vectorized libm PyTorch uses for exp/tanh/erf, behind array functions:
// `csleef_<fn><f|d>(x, y, n)` writes fn(x[i]) to y[i] for i < n (x == y allowed). Every element, the tail included,
// goes through the same vector kernel (the tail is padded), so a value's result never depends on its position.
// AVX-512F kernels when the CPU and OS have them (checked once with cpuid/xgetbv), else AVX2+FMA ones, else SSE2;
// the u10 variants (max error 1.0 ULP, see docs/PERFORMANCE.md for the measured figures). The AVX-512F and AVX2
// kernels run the same algorithm with FMA and give bitwise the same results (checked over every float and 2^28
// doubles, docs/PERFORMANCE.md); the SSE2 ones run without FMA and are not compared.
#include <sleef.h>
#include <stddef.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

// sleef.h declares its 256- and 512-bit kernels only when the translation unit is compiled with -mavx/-mavx512f;
// the kernels are called from functions with a target("avx2,fma") or target("avx512f") attribute instead, so they
// are declared here. (SwiftPM does not track this header: after editing it, touch a Swift file of Tensors.)
#define CSLEEF_DECLARE(fn)                                                                   \
    extern __attribute__((target("avx2,fma"))) __m256 Sleef_##fn##f8_u10avx2(__m256);      \
    extern __attribute__((target("avx2,fma"))) __m256d Sleef_##fn##d4_u10avx2(__m256d);    \
    extern __attribute__((target("avx512f"))) __m512 Sleef_##fn##f16_u10avx512f(__m512);   \
    extern __attribute__((target("avx512f"))) __m512d Sleef_##fn##d8_u10avx512f(__m512d);
CSLEEF_DECLARE(exp)
CSLEEF_DECLARE(tanh)
CSLEEF_DECLARE(erf)
CSLEEF_DECLARE(log)

static inline int csleef_has_avx2(void) {
    static int cached = -1;
    if (cached >= 0) return cached;
    unsigned a, b, c, d;
    int ok = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27)) && (c & (1u << 28)) && (c & (1u << 12))) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        if ((lo & 6u) == 6u && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 5))) ok = 1;
    }
    cached = ok;
    return ok;
}

// AVX-512F: cpuid leaf 7 EBX bit 16, and the OS saves the opmask and all 32 ZMM registers (XCR0 bits 1, 2, 5-7).
static inline int csleef_has_avx512f(void) {
    static int cached = -1;
    if (cached >= 0) return cached;
    unsigned a, b, c, d;
    int ok = 0;
    if (csleef_has_avx2() && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 16))) {
        unsigned lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        if ((lo & 0xE6u) == 0xE6u) ok = 1;
    }
    cached = ok;
    return ok;
}

#define CSLEEF_ARRAY(name, T, W, VT, load, store, kernel)                          \
    static inline void name(const T *x, T *y, ptrdiff_t n) {                      \
        ptrdiff_t i = 0;                                                         \
        for (; i + W <= n; i += W) store(y + i, kernel(load(x + i)));            \
        if (i < n) {                                                             \
            T buffer[W] = {0};                                                   \
            for (ptrdiff_t j = 0; i + j < n; j++) buffer[j] = x[i + j];          \
            store(buffer, kernel(load(buffer)));                                 \
            for (ptrdiff_t j = 0; i + j < n; j++) y[i + j] = buffer[j];          \
        }                                                                        \
    }

#define CSLEEF_AVX2 __attribute__((target("avx2,fma")))
#define CSLEEF_AVX512 __attribute__((target("avx512f")))
#define CSLEEF_BOTH(fn, kernelf16, kernelf8, kernelf4, kerneld4, kerneld2)                                 \
    CSLEEF_AVX512 CSLEEF_ARRAY(csleef_##fn##f_avx512, float, 16, __m512, _mm512_loadu_ps, _mm512_storeu_ps,   \
                               kernelf16)                                                                   \
    CSLEEF_AVX512 CSLEEF_ARRAY(csleef_##fn##d_avx512, double, 8, __m512d, _mm512_loadu_pd, _mm512_storeu_pd,  \
                               Sleef_##fn##d8_u10avx512f)                                                   \
    CSLEEF_AVX2 CSLEEF_ARRAY(csleef_##fn##f_avx2, float, 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps, kernelf8) \
    CSLEEF_ARRAY(csleef_##fn##f_sse2, float, 4, __m128, _mm_loadu_ps, _mm_storeu_ps, kernelf4)                 \
    CSLEEF_AVX2 CSLEEF_ARRAY(csleef_##fn##d_avx2, double, 4, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, kerneld4) \
    CSLEEF_ARRAY(csleef_##fn##d_sse2, double, 2, __m128d, _mm_loadu_pd, _mm_storeu_pd, kerneld2)               \
    static inline void csleef_##fn##f(const float *x, float *y, ptrdiff_t n) {                             \
        if (csleef_has_avx512f()) csleef_##fn##f_avx512(x, y, n);                                          \
        else if (csleef_has_avx2()) csleef_##fn##f_avx2(x, y, n);                                          \
        else csleef_##fn##f_sse2(x, y, n);                                                                 \
    }                                                                                                      \
    static inline void csleef_##fn##d(const double *x, double *y, ptrdiff_t n) {                           \
        if (csleef_has_avx512f()) csleef_##fn##d_avx512(x, y, n);                                          \
        else if (csleef_has_avx2()) csleef_##fn##d_avx2(x, y, n);                                          \
        else csleef_##fn##d_sse2(x, y, n);                                                                 \
    }

CSLEEF_BOTH(exp, Sleef_expf16_u10avx512f, Sleef_expf8_u10avx2, Sleef_expf4_u10sse2, Sleef_expd4_u10avx2, Sleef_expd2_u10sse2)
CSLEEF_BOTH(tanh, Sleef_tanhf16_u10avx512f, Sleef_tanhf8_u10avx2, Sleef_tanhf4_u10sse2, Sleef_tanhd4_u10avx2, Sleef_tanhd2_u10sse2)
CSLEEF_BOTH(erf, Sleef_erff16_u10avx512f, Sleef_erff8_u10avx2, Sleef_erff4_u10sse2, Sleef_erfd4_u10avx2, Sleef_erfd2_u10sse2)
CSLEEF_BOTH(log, Sleef_logf16_u10avx512f, Sleef_logf8_u10avx2, Sleef_logf4_u10sse2, Sleef_logd4_u10avx2, Sleef_logd2_u10sse2)

#else
// Not x86-64: SLEEF's scalar u10 functions, one element at a time.
#define CSLEEF_SCALAR(fn, sf, sd)                                                                          \
    static inline void csleef_##fn##f(const float *x, float *y, ptrdiff_t n) {                             \
        for (ptrdiff_t i = 0; i < n; i++) y[i] = sf(x[i]);                                                 \
    }                                                                                                      \
    static inline void csleef_##fn##d(const double *x, double *y, ptrdiff_t n) {                           \
        for (ptrdiff_t i = 0; i < n; i++) y[i] = sd(x[i]);                                                 \
    }
CSLEEF_SCALAR(exp, Sleef_expf_u10, Sleef_exp_u10)
CSLEEF_SCALAR(tanh, Sleef_tanhf_u10, Sleef_tanh_u10)
CSLEEF_SCALAR(erf, Sleef_erff_u10, Sleef_erf_u10)
CSLEEF_SCALAR(log, Sleef_logf_u10, Sleef_log_u10)
#endif

#include "lstm_cell.h"
