// SLEEF 3.5 (Debian's libsleef-dev), the vectorized libm PyTorch uses for exp/tanh/erf, behind array functions:
// `csleef_<fn><f|d>(x, y, n)` writes fn(x[i]) to y[i] for i < n (x == y allowed). Every element, the tail included,
// goes through the same vector kernel (the tail is padded), so a value's result never depends on its position.
// AVX2+FMA kernels when the CPU and OS have them (checked once with cpuid/xgetbv), SSE2 ones otherwise; the u10
// variants (max error 1.0 ULP, see docs/PERFORMANCE.md for the measured figures).
#include <sleef.h>
#include <stddef.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

// sleef.h declares its 256-bit kernels only when the translation unit is compiled with -mavx; the kernels are
// called from functions with a target("avx2,fma") attribute instead, so they are declared here.
#define CSLEEF_DECLARE(fn)                                                 \
    extern __attribute__((target("avx2,fma"))) __m256 Sleef_##fn##f8_u10avx2(__m256);      \
    extern __attribute__((target("avx2,fma"))) __m256d Sleef_##fn##d4_u10avx2(__m256d);
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
#define CSLEEF_BOTH(fn, kernelf8, kernelf4, kerneld4, kerneld2)                                            \
    CSLEEF_AVX2 CSLEEF_ARRAY(csleef_##fn##f_avx2, float, 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps, kernelf8) \
    CSLEEF_ARRAY(csleef_##fn##f_sse2, float, 4, __m128, _mm_loadu_ps, _mm_storeu_ps, kernelf4)                 \
    CSLEEF_AVX2 CSLEEF_ARRAY(csleef_##fn##d_avx2, double, 4, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, kerneld4) \
    CSLEEF_ARRAY(csleef_##fn##d_sse2, double, 2, __m128d, _mm_loadu_pd, _mm_storeu_pd, kerneld2)               \
    static inline void csleef_##fn##f(const float *x, float *y, ptrdiff_t n) {                             \
        if (csleef_has_avx2()) csleef_##fn##f_avx2(x, y, n); else csleef_##fn##f_sse2(x, y, n);            \
    }                                                                                                      \
    static inline void csleef_##fn##d(const double *x, double *y, ptrdiff_t n) {                           \
        if (csleef_has_avx2()) csleef_##fn##d_avx2(x, y, n); else csleef_##fn##d_sse2(x, y, n);            \
    }

CSLEEF_BOTH(exp, Sleef_expf8_u10avx2, Sleef_expf4_u10sse2, Sleef_expd4_u10avx2, Sleef_expd2_u10sse2)
CSLEEF_BOTH(tanh, Sleef_tanhf8_u10avx2, Sleef_tanhf4_u10sse2, Sleef_tanhd4_u10avx2, Sleef_tanhd2_u10sse2)
CSLEEF_BOTH(erf, Sleef_erff8_u10avx2, Sleef_erff4_u10sse2, Sleef_erfd4_u10avx2, Sleef_erfd2_u10sse2)
CSLEEF_BOTH(log, Sleef_logf8_u10avx2, Sleef_logf4_u10sse2, Sleef_logd4_u10avx2, Sleef_logd2_u10sse2)

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
