internal import CBLAS

extension TensorScalar {
    /// Row-major `C = alpha * op(A) * op(B) + beta * C` (see `blasGemm`), split over the cores when large: the rows
    /// of C or its columns, whichever split packs less of the operands twice, in blocks aligned to 32. As with a
    /// library's own threads, an element can differ from one call's in the last bits (the summation order of
    /// OpenBLAS's and oneDNN's kernels depends on the shape of the block they compute); the parts never depend on
    /// timing. Small products
    /// (`ParallelChunks.blasRunsInline`) run in the calling thread, and so does every product when `split` is false
    /// (inside a parallel chunk).
    ///
    /// OpenBLAS itself is kept at one thread, so that its idle workers do not spin (`sched_yield`) against the
    /// package's own parallel chunks, a quarter of the CPU time of the attention layers when both pools were alive;
    /// oneDNN runs in its calling thread alone too (`Sources/CDNNL/shim.h`).
    @inlinable
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int, split: Bool = true
    ) {
        BLASThreads.keepSingle()
        let parts = ParallelChunks.cores
        let alignment = 32
        // Splitting the rows packs op(B) (k x n) once per part, splitting the columns packs op(A) (m x k).
        let splitRows = m >= n
        let length = splitRows ? m : n
        guard split, parts > 1, !ParallelChunks.blasRunsInline(m: m, n: n, k: k), length >= 2 * alignment else {
            blasGemm(
                transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
                ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let blocks = (length + alignment - 1) / alignment
        let chunks = min(parts, blocks)
        let (pa, pb, pc) = (a, b, c)
        ParallelChunks.run(chunks: chunks) { chunk in
            let start = min(length, chunk * blocks / chunks * alignment)
            let end = min(length, (chunk + 1) * blocks / chunks * alignment)
            guard end > start else { return }
            if splitRows {
                blasGemm(
                    transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha,
                    a: pa + (transposeA ? start : start * lda), lda: lda, b: pb, ldb: ldb, beta: beta,
                    c: pc + start * ldc, ldc: ldc)
            } else {
                blasGemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha,
                    a: pa, lda: lda, b: pb + (transposeB ? start * ldb : start), ldb: ldb, beta: beta,
                    c: pc + start, ldc: ldc)
            }
        }
    }
}

/// OpenBLAS's thread count, set to one before the first product (`TensorScalar.gemm` does the splitting).
public enum BLASThreads {
    @usableFromInline static let single: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Sets OpenBLAS to one thread, once per process.
    @inlinable
    public static func keepSingle() { _ = single }
}
