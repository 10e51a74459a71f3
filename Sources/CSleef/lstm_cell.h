// The pointwise half of an LSTM step for one batch row, fused into one vectorized pass (included by shim.h). PyTorch's gate order: `row` holds `[i f g o]`, each `d` wide, the row's `x W_ih^T + h W_hh^T`; then
//
//     a = (row + b_ih) + b_hh
//     i, f, o = 1 / (1 + exp(-a))      g = tanh(a)
//     c = f * c + i * g                h = o * tanh(c)
//
// `row` is left holding the activated gates `[i f g o]`, `c` is updated in place and `h` receives the hidden state.
// Each operation of the formula is the one it names (an IEEE add, multiply or divide, no fused multiply-add), wherever
// an element sits (a tail shorter than a vector is padded). exp and tanh: for float on AVX-512F and AVX2, the inlined
// functions below (their AVX-512F and AVX2 versions agree bit for bit, so the cell's do); on SSE2, and for double,
// SLEEF's u10 kernels, as csleef_exp/csleef_tanh run them.
#pragma once
#include <stddef.h>
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF  // no multiply-add fused behind the formula's back (gcc: build with -ffp-contract=off)
#endif

#if defined(__x86_64__)

// Float exp and tanh for the cell, inlined (SLEEF's run as calls into the library; with these instead of SLEEF's u10
// exp and u35 tanh the LSTM at batch 256 went 32.4 -> 29.8 ms). The AVX-512F and AVX2 versions run the same
// operations, fused multiply-adds included, so they agree bit for bit (all 2^32 floats: tools/lstm_cell_functions.c, which also
// measures their error; docs/PERFORMANCE.md).
//
// exp: Cephes' expf. x clamped to [-104, 89] (0 and inf beyond, NaN through); n = rint(x log2 e);
// r = x - n ln2 in two parts (ln2 = 0.693359375 - 2.12194440e-4, exact products); exp(r) = 1 + r + r^2 P(r), P of
// degree 5; times 2^n as 2^(n >> 1) 2^(n - (n >> 1)), so that a subnormal result is rounded once.
#define CSLEEF_EXP_COEFFICIENTS 1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, \
                                1.6666665459e-1f, 5.0000001201e-1f
// tanh: Eigen's rational approximation x P(x^2) / Q(x^2), P of degree 6, Q of degree 3, x clamped to
// [-7.90531110763549805, 7.90531110763549805] (NaN through); x itself where |x| < 2^-12 (tanh x = x - x^3/3 + ...
// is x within 1/3 ULP there, where the rational loses the low bits of tiny x).
#define CSLEEF_TANH_CLAMP 7.90531110763549805f
#define CSLEEF_TANH_P -2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f, 5.12229709037114e-08f, \
                      1.48572235717979e-05f, 6.37261928875436e-04f, 4.89352455891786e-03f
#define CSLEEF_TANH_Q 1.19825839466702e-06f, 1.18534705686654e-04f, 2.26843463243900e-03f, 4.89352518554385e-03f

// `P(x)` for the coefficients listed from the highest degree down, by Horner's rule with fused multiply-adds.
#define CSLEEF_HORNER(fma, set1, x, ...)                                                                       \
    ({                                                                                                         \
        const float c_[] = {__VA_ARGS__};                                                                      \
        __typeof__(x) p_ = set1(c_[0]);                                                                        \
        for (unsigned k_ = 1; k_ < sizeof c_ / sizeof c_[0]; k_++) p_ = fma(p_, x, set1(c_[k_]));               \
        p_;                                                                                                    \
    })

#define CSLEEF_FAST_FUNCTIONS(attr, suffix, VT, VI, set1, min, max, add, sub, mul, div, fma, rint, toint, srai, addi,      \
                              subi, slli, set1i, asfloat, tiny_as_is)                                           \
    attr static inline VT csleef_fast_expf_##suffix(VT x) {                                                          \
        x = max(set1(-104.0f), min(set1(89.0f), x));                                                            \
        VT n = rint(mul(x, set1(1.44269504088896341f)));                                                        \
        VT r = fma(n, set1(-0.693359375f), x);                                                                  \
        r = fma(n, set1(2.12194440e-4f), r);                                                                    \
        VT p = CSLEEF_HORNER(fma, set1, r, CSLEEF_EXP_COEFFICIENTS);                                            \
        VT y = fma(p, mul(r, r), add(r, set1(1.0f)));                                                           \
        VI ni = toint(n), half = srai(ni, 1);                                                                   \
        VT s1 = asfloat(slli(addi(half, set1i(127)), 23)), s2 = asfloat(slli(addi(subi(ni, half), set1i(127)), 23)); \
        return mul(mul(y, s1), s2);                                                                             \
    }                                                                                                           \
    attr static inline VT csleef_fast_tanhf_##suffix(VT x) {                                                         \
        x = max(set1(-CSLEEF_TANH_CLAMP), min(set1(CSLEEF_TANH_CLAMP), x));                                     \
        VT x2 = mul(x, x);                                                                                      \
        VT p = mul(x, CSLEEF_HORNER(fma, set1, x2, CSLEEF_TANH_P));                                             \
        return tiny_as_is(x, div(p, CSLEEF_HORNER(fma, set1, x2, CSLEEF_TANH_Q)));                              \
    }

#define CSLEEF_RINT512(x) _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define CSLEEF_TINY512(x, y)                                                                                   \
    _mm512_mask_blend_ps(_mm512_cmp_ps_mask(_mm512_abs_ps(x), _mm512_set1_ps(0x1p-12f), _CMP_LT_OQ), y, x)
#define CSLEEF_TINY256(x, y)                                                                                   \
    _mm256_blendv_ps(y, x, _mm256_cmp_ps(_mm256_and_ps(x, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))),     \
                                         _mm256_set1_ps(0x1p-12f), _CMP_LT_OQ))
#define CSLEEF_RINT256(x) _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
CSLEEF_FAST_FUNCTIONS(CSLEEF_AVX512, avx512, __m512, __m512i, _mm512_set1_ps, _mm512_min_ps, _mm512_max_ps,
                      _mm512_add_ps, _mm512_sub_ps, _mm512_mul_ps, _mm512_div_ps, _mm512_fmadd_ps, CSLEEF_RINT512,
                      _mm512_cvtps_epi32, _mm512_srai_epi32, _mm512_add_epi32, _mm512_sub_epi32, _mm512_slli_epi32,
                      _mm512_set1_epi32, _mm512_castsi512_ps, CSLEEF_TINY512)
CSLEEF_FAST_FUNCTIONS(CSLEEF_AVX2, avx2, __m256, __m256i, _mm256_set1_ps, _mm256_min_ps, _mm256_max_ps,
                      _mm256_add_ps, _mm256_sub_ps, _mm256_mul_ps, _mm256_div_ps, _mm256_fmadd_ps, CSLEEF_RINT256,
                      _mm256_cvtps_epi32, _mm256_srai_epi32, _mm256_add_epi32, _mm256_sub_epi32, _mm256_slli_epi32,
                      _mm256_set1_epi32, _mm256_castsi256_ps, CSLEEF_TINY256)
// Array forms, for the accuracy and agreement checks.
CSLEEF_AVX512 CSLEEF_ARRAY(csleef_fast_expf_avx512_array, float, 16, __m512, _mm512_loadu_ps, _mm512_storeu_ps,
                           csleef_fast_expf_avx512)
CSLEEF_AVX512 CSLEEF_ARRAY(csleef_fast_tanhf_avx512_array, float, 16, __m512, _mm512_loadu_ps, _mm512_storeu_ps,
                           csleef_fast_tanhf_avx512)
CSLEEF_AVX2 CSLEEF_ARRAY(csleef_fast_expf_avx2_array, float, 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps,
                         csleef_fast_expf_avx2)
CSLEEF_AVX2 CSLEEF_ARRAY(csleef_fast_tanhf_avx2_array, float, 8, __m256, _mm256_loadu_ps, _mm256_storeu_ps,
                         csleef_fast_tanhf_avx2)
// The exp and tanh the float cell runs, over arrays: the functions above, or SLEEF's u10 exp and tanh on a CPU without
// AVX2 (as the cell's SSE2 version does).
static inline void csleef_cell_expf(const float *x, float *y, ptrdiff_t n) {
    if (csleef_has_avx512f()) csleef_fast_expf_avx512_array(x, y, n);
    else if (csleef_has_avx2()) csleef_fast_expf_avx2_array(x, y, n);
    else csleef_expf_sse2(x, y, n);
}
static inline void csleef_cell_tanhf(const float *x, float *y, ptrdiff_t n) {
    if (csleef_has_avx512f()) csleef_fast_tanhf_avx512_array(x, y, n);
    else if (csleef_has_avx2()) csleef_fast_tanhf_avx2_array(x, y, n);
    else csleef_tanhf_sse2(x, y, n);
}
// The body for `W` lanes at offset `j` of each gate; `VT` the vector type, then its intrinsics and exp and tanh.
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

// The three versions of the cell for one type and their dispatcher `csleef_lstm_cell<N>`: `V` is empty for float and
// `d` for double (`__m512` / `__m512d`), `S` the intrinsics' suffix (`ps` / `pd`), then the lanes of each width and
// the exp and tanh of each width.
#define CSLEEF_LSTM_CELLS(T, N, V, S, W512, W256, W128, exp512, tanh512, exp256, tanh256, exp128, tanh128)           \
    CSLEEF_AVX512 CSLEEF_LSTM_LANES(T, __m512##V, W512, _mm512_loadu_##S, _mm512_storeu_##S, _mm512_set1_##S,        \
                                    _mm512_add_##S, _mm512_sub_##S, _mm512_mul_##S, _mm512_div_##S, exp512, tanh512) \
    CSLEEF_AVX512 CSLEEF_LSTM_ROW(csleef_lstm_cell##N##_avx512, T, W512)                                             \
    CSLEEF_AVX2 CSLEEF_LSTM_LANES(T, __m256##V, W256, _mm256_loadu_##S, _mm256_storeu_##S, _mm256_set1_##S,          \
                                  _mm256_add_##S, _mm256_sub_##S, _mm256_mul_##S, _mm256_div_##S, exp256, tanh256)   \
    CSLEEF_AVX2 CSLEEF_LSTM_ROW(csleef_lstm_cell##N##_avx2, T, W256)                                                 \
    CSLEEF_LSTM_LANES(T, __m128##V, W128, _mm_loadu_##S, _mm_storeu_##S, _mm_set1_##S, _mm_add_##S, _mm_sub_##S,     \
                      _mm_mul_##S, _mm_div_##S, exp128, tanh128)                                                     \
    CSLEEF_LSTM_ROW(csleef_lstm_cell##N##_sse2, T, W128)                                                             \
    static inline void csleef_lstm_cell##N(T *row, const T *bih, const T *bhh, T *c, T *h, ptrdiff_t d) {            \
        if (csleef_has_avx512f()) csleef_lstm_cell##N##_avx512(row, bih, bhh, c, h, d);                               \
        else if (csleef_has_avx2()) csleef_lstm_cell##N##_avx2(row, bih, bhh, c, h, d);                               \
        else csleef_lstm_cell##N##_sse2(row, bih, bhh, c, h, d);                                                     \
    }

CSLEEF_LSTM_CELLS(float, f, , ps, 16, 8, 4, csleef_fast_expf_avx512, csleef_fast_tanhf_avx512, csleef_fast_expf_avx2,
                  csleef_fast_tanhf_avx2, Sleef_expf4_u10sse2, Sleef_tanhf4_u10sse2)
CSLEEF_LSTM_CELLS(double, d, d, pd, 8, 4, 2, Sleef_expd8_u10avx512f, Sleef_tanhd8_u10avx512f, Sleef_expd4_u10avx2,
                  Sleef_tanhd4_u10avx2, Sleef_expd2_u10sse2, Sleef_tanhd2_u10sse2)

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
CSLEEF_LSTM_SCALAR(csleef_lstm_cellf, float, Sleef_expf_u10, Sleef_tanhf_u10)
CSLEEF_LSTM_SCALAR(csleef_lstm_celld, double, Sleef_exp_u10, Sleef_tanh_u10)
#endif
