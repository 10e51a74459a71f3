// The largest error of the float tanh the package runs (csleef_tanhf: SLEEF's u35 kernel, AVX-512F, AVX2 or SSE2 as the
// CPU allows) over every float, against double tanh, in units of the float spacing just below the exact value.
// About 40 s. Measured figure in docs/PERFORMANCE.md.
//   gcc -O2 -I Sources/CSleef tools/sleef_tanhf_ulp.c -o /tmp/sleef_tanhf_ulp -lsleef -lm && /tmp/sleef_tanhf_ulp
#include "shim.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define N (1 << 20)

static double ulp_error(float got, double exact) {
    if (isnan(exact)) return isnan(got) ? 0 : INFINITY;
    if (got == exact) return 0;
    int e;
    frexp(fabs(exact), &e);                                      // |exact| in [2^(e-1), 2^e)
    double spacing = e - 1 < -126 ? ldexp(1.0, -149) : ldexp(1.0, (e - 1) - 23);
    return fabs((double)got - exact) / spacing;
}

int main(void) {
    float *x = malloc(4 * N), *y = malloc(4 * N);
    double worst = 0;
    float at = 0;
    for (uint64_t base = 0; base < (1ull << 32); base += N) {
        for (int i = 0; i < N; i++) {
            uint32_t u = (uint32_t)(base + i);
            memcpy(&x[i], &u, 4);
        }
        csleef_tanhf(x, y, N);
        for (int i = 0; i < N; i++) {
            if (isnan(x[i])) continue;
            double err = ulp_error(y[i], tanh((double)x[i]));
            if (err > worst) { worst = err; at = x[i]; }
        }
    }
    printf("tanhf: max %.4f ULP at x = %.9g (every float)\n", worst, at);
    return 0;
}
