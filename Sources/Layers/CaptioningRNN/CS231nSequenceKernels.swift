import Tensors

// The cs231n RNN and LSTM over whole sequences, on raw buffers, with the assignment's matrix products step by step
// as `rnn_forward`/`rnn_backward` (and the LSTM's) call them: `x[:, t] @ Wx` and `prev_h @ Wh` per step (m = N), and
// in the backward pass, per step from t = T-1 down to 0, `dx[:, t] = da @ Wx.T`, `dWx += x[:, t].T @ da`,
// `dWh += prev_h.T @ da`, `db += da.sum(axis=0)`. BLAS rounds a product of N*T rows differently from T products of
// N rows (a float32 `x.reshape(N*T, D) @ Wx` differs from the per-step products in about half its elements, and a
// one-GEMM `dWh` sums the N*T terms in another order than `dWh += dWh_t`), so folding the steps into one GEMM would
// not compute the assignment's float32 numbers. The weight-gradient products go through one step-sized scratch
// buffer. The elementwise work keeps the assignment's formulas and their order of operations
// (`(x Wx + prev_h Wh) + b`, the two-branch sigmoid), with the vectorized exp/tanh of `TensorScalar`.
//
// Buffers are row-major; a sequence tensor `(N, T, K)` is viewed as `N*T` rows, row `n*T + t` holding step `t` of
// sequence `n`, so step `t` is the `N` rows from row `t` with stride `T*K`.

/// `C (m, n) = op(A) op(B)` (beta 0) or `+=` (beta 1) on raw pointers, row-major, leading dimensions given.
func cs231nGEMM<S: TensorScalar>(
    _ a: UnsafePointer<S>, lda: Int, transposeA: Bool = false, _ b: UnsafePointer<S>, ldb: Int, transposeB: Bool = false,
    _ c: UnsafeMutablePointer<S>, ldc: Int, m: Int, n: Int, k: Int, accumulate: Bool = false
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        return
    }
    S.gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
        beta: accumulate ? 1 : 0, c: c, ldc: ldc)
}

/// `x[:, t] W (N, width)` into `out` (row stride `width`), `x: (N, T, D)` and `W: (D, width)`, no bias: the
/// assignment's `x @ Wx` of step `t`.
func cs231nStepInputProjection<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, step t: Int, n: Int, length: Int, d: Int, _ w: UnsafeBufferPointer<S>, width: Int,
    into out: UnsafeMutablePointer<S>
) {
    guard let x = x.baseAddress, let w = w.baseAddress else {  // D = 0: an empty product
        out.update(repeating: 0, count: n * width)
        return
    }
    cs231nGEMM(x + t * d, lda: length * d, w, ldb: width, out, ldc: width, m: n, n: width, k: d)
}

/// The gradients shared by the RNN and the LSTM once every step's `da` is known, step by step from `t = T-1` down
/// to 0 as the assignment's backward loop accumulates them:
/// `dx[:, t] = da_t Wx^T (N, T, D)`, `dWx += x[:, t]^T da_t (D, kH)`, `dWh += prev_h^T da_t (H, kH)`,
/// `db += da_t.sum(axis=0) (kH)` (rows added in order), with `prev_h = h[:, t-1]`, or `h0` at `t = 0`.
/// `da` is `(N*T, kH)` in sequence-row order, `h` is `(N, T, H)`.
func cs231nSequenceGradients<S: TensorScalar>(
    da: [S], h: Tensor<S>, h0: Tensor<S>, x: Tensor<S>, wx: Tensor<S>, wh: Tensor<S>
) -> (dx: Tensor<S>, dWx: Tensor<S>, dWh: Tensor<S>, db: Tensor<S>) {
    let (n, length) = (x.shape[0], x.shape[1])
    let (d, width, hidden) = (wx.shape[0], wx.shape[1], wh.shape[0])
    var dx = Tensor<S>.zeros(x.shape)
    var dWx = Tensor<S>.zeros(wx.shape)
    var dWh = Tensor<S>.zeros(wh.shape)
    var db = [S](repeating: 0, count: width)
    var scratch = [S](repeating: 0, count: Swift.max(d, hidden) * width)  // one step's dWx_t or dWh_t
    var dbStep = [S](repeating: 0, count: width)
    guard n > 0, length > 0, width > 0 else { return (dx, dWx, dWh, Tensor(shape: [width], scalars: db)) }
    da.withUnsafeBufferPointer { da in
    h.scalars.withUnsafeBufferPointer { hs in
    h0.scalars.withUnsafeBufferPointer { h0s in
    x.scalars.withUnsafeBufferPointer { xs in
    wx.scalars.withUnsafeBufferPointer { wxs in
    dx.scalars.withUnsafeMutableBufferPointer { dxs in
    dWx.scalars.withUnsafeMutableBufferPointer { dWx in
    dWh.scalars.withUnsafeMutableBufferPointer { dWh in
    db.withUnsafeMutableBufferPointer { db in
    dbStep.withUnsafeMutableBufferPointer { dbStep in
    scratch.withUnsafeMutableBufferPointer { scratch in
        let (dA, tmp, dbt) = (da.baseAddress!, scratch.baseAddress!, dbStep.baseAddress!)
        // `dst += tmp` over `count` elements (`dWx += dWx_t`)
        func accumulate(_ dst: UnsafeMutablePointer<S>, _ count: Int) {
            for j in 0..<count { dst[j] += tmp[j] }
        }
        for t in (0..<length).reversed() {
            let daStep = dA + t * width  // rows n*T + t: stride T*kH
            if d > 0 {
                cs231nGEMM(daStep, lda: length * width, wxs.baseAddress!, ldb: width, transposeB: true,
                           dxs.baseAddress! + t * d, ldc: length * d, m: n, n: d, k: width)
                cs231nGEMM(xs.baseAddress! + t * d, lda: length * d, transposeA: true, daStep, ldb: length * width,
                           tmp, ldc: width, m: d, n: width, k: n)
                accumulate(dWx.baseAddress!, d * width)
            }
            if hidden > 0 {
                let (prev, ldPrev) = t == 0 ? (h0s.baseAddress!, hidden) : (hs.baseAddress! + (t - 1) * hidden, length * hidden)
                cs231nGEMM(prev, lda: ldPrev, transposeA: true, daStep, ldb: length * width, tmp, ldc: width,
                           m: hidden, n: width, k: n)
                accumulate(dWh.baseAddress!, hidden * width)
            }
            // db_t = da.sum(axis=0): NumPy adds the rows one after another (an outer-axis reduction, not pairwise)
            dbStep.update(repeating: 0)
            for row in 0..<n {
                let r = daStep + row * length * width
                for j in 0..<width { dbt[j] += r[j] }
            }
            for j in 0..<width { db[j] += dbt[j] }
        }
    }}}}}}}}}}}
    return (dx, dWx, dWh, Tensor(shape: [width], scalars: db))
}
