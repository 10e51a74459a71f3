// oneDNN's single-precision GEMM (Debian's libdnnl-dev 2.6, OpenMP runtime), used for float32 products: its
// kernels are chosen from the CPU's features at run time (AVX-512 where the CPU has it, whatever
// OPENBLAS_CORETYPE says). The package splits products over its own threads, so each calling thread runs oneDNN
// single-threaded: libgomp keeps the thread count per thread, and a thread OpenMP did not start reads the
// process default (the number of cores) until it sets its own.
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int);

/// Row-major `C = alpha * op(A) * op(B) + beta * C` (`dnnl_sgemm`) in the calling thread alone.
static inline dnnl_status_t cdnnl_sgemm_in_this_thread(
    char transa, char transb, dnnl_dim_t m, dnnl_dim_t n, dnnl_dim_t k, float alpha, const float *a, dnnl_dim_t lda,
    const float *b, dnnl_dim_t ldb, float beta, float *c, dnnl_dim_t ldc) {
    static _Thread_local int single_threaded = 0;
    if (!single_threaded) {
        omp_set_num_threads(1);
        single_threaded = 1;
    }
    return dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// The instruction set oneDNN's kernels use on this CPU (`dnnl_cpu_isa_t`, e.g. 0x27 AVX-512, 0x7 AVX2).
static inline int cdnnl_effective_isa(void) { return (int)dnnl_get_effective_cpu_isa(); }
