// The float exp and tanh the LSTM cell inlines (Sources/CSleef/lstm_cell.h): their largest error over every float
// against double exp/tanh, in units of the float spacing just below the exact value, and the count of inputs where
// the AVX-512F and AVX2 versions differ (two NaNs agree). Needs a CPU with AVX-512F; about 100 s. Measured figures in
// docs/PERFORMANCE.md.
//   clang -O2 -I Sources/CSleef tools/lstm_cell_functions.c -o /tmp/lstm_cell_functions -lsleef -lm && /tmp/lstm_cell_functions
#include "shim.h"
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define N (1 << 20)

static double ulp_error(float got, double exact) {
    if (isnan(exact)) return isnan(got) ? 0 : INFINITY;
    if (isinf(exact) || isinf(got)) return (double)got == exact ? 0 : INFINITY;
    if (got == exact) return 0;
    int e;
    frexp(fabs(exact), &e);  // |exact| in [2^(e-1), 2^e)
    double spacing = e - 1 < -126 ? ldexp(1.0, -149) : ldexp(1.0, (e - 1) - 23);
    return fabs((double)got - exact) / spacing;
}

typedef void (*kernel)(const float *, float *, ptrdiff_t);

static void measure(const char *name, kernel avx512, kernel avx2, double (*reference)(double)) {
    float *x = malloc(4 * N), *y = malloc(4 * N), *z = malloc(4 * N);
    double worst = 0;
    float at = 0;
    long differ = 0, overflows = 0;
    for (uint64_t base = 0; base < (1ull << 32); base += N) {
        for (int i = 0; i < N; i++) {
            uint32_t u = (uint32_t)(base + i);
            memcpy(&x[i], &u, 4);
        }
        avx512(x, y, N);
        avx2(x, z, N);
        for (int i = 0; i < N; i++) {
            if (memcmp(&y[i], &z[i], 4) && !(isnan(y[i]) && isnan(z[i]))) differ++;
            double exact = reference((double)x[i]);
            if (exact > FLT_MAX) {  // beyond the largest float: the correctly rounded result is FLT_MAX or inf
                float rounded = exact < (double)FLT_MAX + 0x1p103 ? FLT_MAX : INFINITY;
                overflows += y[i] != rounded;
                continue;
            }
            double error = ulp_error(y[i], exact);
            if (error > worst) { worst = error; at = x[i]; }
        }
    }
    printf("%s: max %.3f ULP at x = %.9g (every float); AVX-512F and AVX2 differ at %ld inputs", name, worst, at, differ);
    if (overflows) printf("; %ld input(s) past FLT_MAX not rounded to FLT_MAX or inf as they should", overflows);
    printf("\n");
    free(x), free(y), free(z);
}

int main(void) {
    measure("exp", csleef_fast_expf_avx512_array, csleef_fast_expf_avx2_array, exp);
    measure("tanh", csleef_fast_tanhf_avx512_array, csleef_fast_tanhf_avx2_array, tanh);
    return 0;
}
