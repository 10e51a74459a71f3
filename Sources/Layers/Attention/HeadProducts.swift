import Tensors

// The two matrix products of multi-head attention, read and written in place in the `(N, L, H*d)` layout of the
// Q/K/V projections and of the merged context, so that no head split (`view(N, L, H, d).permute(0, 2, 1, 3)`) and no
// merge (`permute(0, 2, 1, 3).reshape(N, L, H*d)`) is copied: head `h` of row `l` is the `d` features starting at
// `l * H*d + h * d`, a matrix with leading dimension `H*d` for BLAS. The products are those of the split tensors,
// element for element.

/// `scores[n, h] = Q_h K_h^T`: `q: (N, Lq, H*d)`, `k: (N, Lk, H*d)` -> `(N, H, Lq, Lk)`.
func headScores<S: TensorScalar>(_ q: Tensor<S>, _ k: Tensor<S>, heads: Int) -> Tensor<S> {
    let (n, lq, lk, e) = (q.shape[0], q.shape[1], k.shape[1], q.shape[2])
    let d = e / heads
    return q.scalars.withUnsafeBufferPointer { qs in
        k.scalars.withUnsafeBufferPointer { ks in
            Tensor<S>.build(shape: [n, heads, lq, lk]) { out in
                guard let c = out.baseAddress else { return }
                guard d > 0, let a = qs.baseAddress, let b = ks.baseAddress else {
                    c.initialize(repeating: 0, count: out.count)
                    return
                }
                headParallel(n * heads, m: lq, n: lk, k: d) { range, split in
                    for pair in range {
                        let (batch, h) = pair.quotientAndRemainder(dividingBy: heads)
                        S.gemm(
                            transposeA: false, transposeB: true, m: lq, n: lk, k: d, alpha: 1,
                            a: a + batch * lq * e + h * d, lda: e, b: b + batch * lk * e + h * d, ldb: e, beta: 0,
                            c: c + (batch * heads + h) * lq * lk, ldc: lk, split: split)
                    }
                }
            }
        }
    }
}

/// The merged context `(N, Lq, H*d)`, head `h` of it being `attention[n, h] V_h`: `attention: (N, H, Lq, Lk)`,
/// `v: (N, Lk, H*d)`.
func headContext<S: TensorScalar>(_ attention: Tensor<S>, _ v: Tensor<S>, heads: Int) -> Tensor<S> {
    let (n, lq, lk, e) = (attention.shape[0], attention.shape[2], attention.shape[3], v.shape[2])
    let d = e / heads
    return attention.scalars.withUnsafeBufferPointer { ps in
        v.scalars.withUnsafeBufferPointer { vs in
            Tensor<S>.build(shape: [n, lq, e]) { out in
                guard let c = out.baseAddress else { return }
                guard lk > 0, let a = ps.baseAddress, let b = vs.baseAddress else {
                    c.initialize(repeating: 0, count: out.count)
                    return
                }
                headParallel(n * heads, m: lq, n: d, k: lk) { range, split in
                    for pair in range {
                        let (batch, h) = pair.quotientAndRemainder(dividingBy: heads)
                        S.gemm(
                            transposeA: false, transposeB: false, m: lq, n: d, k: lk, alpha: 1,
                            a: a + (batch * heads + h) * lq * lk, lda: lk, b: b + batch * lk * e + h * d, ldb: e,
                            beta: 0, c: c + batch * lq * e + h * d, ldc: e, split: split)
                    }
                }
            }
        }
    }
}

/// Runs the `count` per-head products of `m x k` by `k x n`: in parallel chunks of heads, each product in its chunk's
/// thread, when `ParallelChunks.batchInChunks`; one after another, each split over the cores, otherwise. `body`
/// gets the heads and whether `gemm` may split.
func headParallel(_ count: Int, m: Int, n: Int, k: Int, _ body: (Range<Int>, _ split: Bool) -> Void) {
    if count > 1 && ParallelChunks.batchInChunks(count, m: m, n: n, k: k) {
        ParallelChunks.run(count: count, grain: max(1, 65_536 / max(m * n * k, 1))) { body($0, false) }
    } else {
        body(0..<count, true)
    }
}
