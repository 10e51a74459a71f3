// The pointwise half of an LSTM step for one batch row, fused into one pass over SLEEF's vector kernels (included by
// shim.h). PyTorch's gate order: `row` holds `[i f g o]`, each `d` wide, the row's `x W_ih^T + h W_hh^T`; then
//
//     a = (row + b_ih) + b_hh
//     i, f, o = 1 / (1 + exp(-a))      g = tanh(a)
//     c = f * c + i * g                h = o * tanh(c)
//
// `row` is left holding the activated gates `[i f g o]`, `c` is updated in place and `h` receives the hidden state.
// Each operation is the one the scalar formula names (an IEEE add, multiply or divide, no fused multiply-add; exp and
// tanh are the kernels csleef_exp/csleef_tanh run), so the AVX-512F, AVX2 and SSE2 versions and the scalar reference
// give bitwise the same results, wherever an element sits (a tail shorter than a vector is padded).
#pragma once
#include <stddef.h>
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // no multiply-add fused behind the formula's back (gcc: build with -ffp-contract=off)
#endif

#if defined(__x86_64__)
// The body for `W` lanes at offset `j` of each gate; `VT` the vector type, `P` the intrinsics' prefix and suffix.
#define CSLEEF_LSTM_LANES(T, VT, W, load, store, set1, add, sub, mul, div, expk, tanhk)                        \
    static inline void csleef_lstm_lanes_##T##W(T *row, const T *bih, const T *bhh, T *c, T *h, ptrdiff_t d,    \
                                                ptrdiff_t j) {                                                  \
        const VT one = set1(1), zero = set1(0);                                                                 \
        VT ai = add(add(load(row + j), load(bih + j)), load(bhh + j));                                          \
        VT af = add(add(load(row + d + j), load(bih + d + j)), load(bhh + d + j));                              \
        VT ag = add(add(load(row + 2 * d + j), load(bih + 2 * d + j)), load(bhh + 2 * d + j));                  \
        VT ao = add(add(load(row + 3 * d + j), load(bih + 3 * d + j)), load(bhh + 3 * d + j));                  \
        VT i = div(one, add(one, expk(sub(zero, ai))));                                                         \
        VT f = div(one, add(one, expk(sub(zero, af))));                                                         \
        VT g = tanhk(ag);                                                                                       \
        VT o = div(one, add(one, expk(sub(zero, ao))));                                                         \
        VT cell = add(mul(f, load(c + j)), mul(i, g));                                                          \
        store(row + j, i);                                                                                      \
        store(row + d + j, f);                                                                                  \
        store(row + 2 * d + j, g);                                                                              \
        store(row + 3 * d + j, o);                                                                              \
        store(c + j, cell);                                                                                     \
        store(h + j, mul(o, tanhk(cell)));                                                                      \
    }

// The whole row: full vectors, then the tail through zero-padded copies of its `d % W` elements of each gate.
#define CSLEEF_LSTM_ROW(name, T, W)                                                                             \
    static inline void name(T *row, const T *bih, const T *bhh, T *c, T *h, ptrdiff_t d) {                     \
        ptrdiff_t j = 0;                                                                                       \
        for (; j + W <= d; j += W) csleef_lstm_lanes_##T##W(row, bih, bhh, c, h, d, j);                         \
        if (j < d) {                                                                                           \
            T r[4 * W] = {0}, bi[4 * W] = {0}, bh[4 * W] = {0}, cc[W] = {0}, hh[W] = {0};                      \
            ptrdiff_t rest = d - j;                                                                            \
            for (ptrdiff_t q = 0; q < 4; q++)                                                                  \
                for (ptrdiff_t e = 0; e < rest; e++) {                                                         \
                    r[q * W + e] = row[q * d + j + e];                                                         \
                    bi[q * W + e] = bih[q * d + j + e];                                                        \
                    bh[q * W + e] = bhh[q * d + j + e];                                                        \
                }                                                                                              \
            for (ptrdiff_t e = 0; e < rest; e++) cc[e] = c[j + e];                                             \
            csleef_lstm_lanes_##T##W(r, bi, bh, cc, hh, W, 0);                                                  \
            for (ptrdiff_t q = 0; q < 4; q++)                                                                  \
                for (ptrdiff_t e = 0; e < rest; e++) row[q * d + j + e] = r[q * W + e];                        \
            for (ptrdiff_t e = 0; e < rest; e++) {                                                             \
                c[j + e] = cc[e];                                                                              \
                h[j + e] = hh[e];                                                                              \
            }                                                                                                  \
        }                                                                                                      \
    }

CSLEEF_AVX512 CSLEEF_LSTM_LANES(float, __m512, 16, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_set1_ps, _mm512_add_ps,
                                _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, Sleef_expf16_u10avx512f,
                                Sleef_tanhf16_u35avx512f)
CSLEEF_AVX512 CSLEEF_LSTM_ROW(csleef_lstm_cellf_avx512, float, 16)
CSLEEF_AVX2 CSLEEF_LSTM_LANES(float, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_set1_ps, _mm256_add_ps,
                              _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, Sleef_expf8_u10avx2, Sleef_tanhf8_u35avx2)
CSLEEF_AVX2 CSLEEF_LSTM_ROW(csleef_lstm_cellf_avx2, float, 8)
CSLEEF_LSTM_LANES(float, __m128, 4, _mm_loadu_ps, _mm_storeu_ps, _mm_set1_ps, _mm_add_ps, _mm_sub_ps, _mm_mul_ps,
                  _mm_div_ps, Sleef_expf4_u10sse2, Sleef_tanhf4_u35sse2)
CSLEEF_LSTM_ROW(csleef_lstm_cellf_sse2, float, 4)

CSLEEF_AVX512 CSLEEF_LSTM_LANES(double, __m512d, 8, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd, _mm512_add_pd,
                                _mm512_sub_pd, _mm512_mul_pd, _mm512_div_pd, Sleef_expd8_u10avx512f,
                                Sleef_tanhd8_u10avx512f)
CSLEEF_AVX512 CSLEEF_LSTM_ROW(csleef_lstm_celld_avx512, double, 8)
CSLEEF_AVX2 CSLEEF_LSTM_LANES(double, __m256d, 4, _mm256_loadu_pd, _mm256_storeu_pd, _mm256_set1_pd, _mm256_add_pd,
                              _mm256_sub_pd, _mm256_mul_pd, _mm256_div_pd, Sleef_expd4_u10avx2, Sleef_tanhd4_u10avx2)
CSLEEF_AVX2 CSLEEF_LSTM_ROW(csleef_lstm_celld_avx2, double, 4)
CSLEEF_LSTM_LANES(double, __m128d, 2, _mm_loadu_pd, _mm_storeu_pd, _mm_set1_pd, _mm_add_pd, _mm_sub_pd, _mm_mul_pd,
                  _mm_div_pd, Sleef_expd2_u10sse2, Sleef_tanhd2_u10sse2)
CSLEEF_LSTM_ROW(csleef_lstm_celld_sse2, double, 2)

static inline void csleef_lstm_cellf(float *row, const float *bih, const float *bhh, float *c, float *h, ptrdiff_t d) {
    if (csleef_has_avx512f()) csleef_lstm_cellf_avx512(row, bih, bhh, c, h, d);
    else if (csleef_has_avx2()) csleef_lstm_cellf_avx2(row, bih, bhh, c, h, d);
    else csleef_lstm_cellf_sse2(row, bih, bhh, c, h, d);
}
static inline void csleef_lstm_celld(double *row, const double *bih, const double *bhh, double *c, double *h,
                                     ptrdiff_t d) {
    if (csleef_has_avx512f()) csleef_lstm_celld_avx512(row, bih, bhh, c, h, d);
    else if (csleef_has_avx2()) csleef_lstm_celld_avx2(row, bih, bhh, c, h, d);
    else csleef_lstm_celld_sse2(row, bih, bhh, c, h, d);
}

#else
// Not x86-64: the same formula over SLEEF's scalar functions.
#define CSLEEF_LSTM_SCALAR(name, T, expk, tanhk)                                                               \
    static inline void name(T *row, const T *bih, const T *bhh, T *c, T *h, ptrdiff_t d) {                     \
        for (ptrdiff_t j = 0; j < d; j++) {                                                                    \
            T i = 1 / (1 + expk(0 - ((row[j] + bih[j]) + bhh[j])));                                            \
            T f = 1 / (1 + expk(0 - ((row[d + j] + bih[d + j]) + bhh[d + j])));                                \
            T g = tanhk((row[2 * d + j] + bih[2 * d + j]) + bhh[2 * d + j]);                                   \
            T o = 1 / (1 + expk(0 - ((row[3 * d + j] + bih[3 * d + j]) + bhh[3 * d + j])));                    \
            T fc = f * c[j], ig = i * g;                                                                       \
            T cell = fc + ig;                                                                                  \
            row[j] = i, row[d + j] = f, row[2 * d + j] = g, row[3 * d + j] = o;                                \
            c[j] = cell;                                                                                       \
            T oc = o * tanhk(cell);                                                                            \
            h[j] = oc;                                                                                         \
        }                                                                                                      \
    }
CSLEEF_LSTM_SCALAR(csleef_lstm_cellf, float, Sleef_expf_u10, Sleef_tanhf_u35)
CSLEEF_LSTM_SCALAR(csleef_lstm_celld, double, Sleef_exp_u10, Sleef_tanh_u10)
#endif
