import Tensors

// The cs231n RNN and LSTM over whole sequences, on raw buffers: the input projections of every step in one GEMM
// (`x.reshape(N*T, D) Wx`), one GEMM per step for the recurrence (`prev_h Wh`), and in the backward pass the weight
// and input gradients of every step in one GEMM each after the loop (`dWx = X^T dA`, `dWh = H_prev^T dA`,
// `dx = dA Wx^T`), so no step allocates a weight-sized temporary. The elementwise work keeps the assignment's
// formulas and their order of operations (`(x Wx + prev_h Wh) + b`, the two-branch sigmoid), with the vectorized
// exp/tanh of `TensorScalar`.
//
// Buffers are row-major; a sequence tensor `(N, T, K)` is viewed as `N*T` rows, row `n*T + t` holding step `t` of
// sequence `n`.

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

/// `x (N, T, D) -> (N*T, width)`: `x.reshape(N*T, D) W` with `W: (D, width)`, no bias.
func cs231nInputProjection<S: TensorScalar>(_ x: Tensor<S>, _ w: Tensor<S>) -> [S] {
    let rows = x.shape[0] * x.shape[1]
    let (d, width) = (w.shape[0], w.shape[1])
    return [S](unsafeUninitializedCapacity: rows * width) { out, initialized in
        x.scalars.withUnsafeBufferPointer { xs in
            w.scalars.withUnsafeBufferPointer { ws in
                if rows * width > 0 {
                    cs231nGEMM(xs.baseAddress!, lda: d, ws.baseAddress!, ldb: width, out.baseAddress!, ldc: width,
                               m: rows, n: width, k: d)
                }
            }
        }
        initialized = rows * width
    }
}

/// The gradients shared by the RNN and the LSTM once every step's `da` is known:
/// `dx = dA Wx^T (N, T, D)`, `dWx = X^T dA (D, kH)`, `dWh = H_prev^T dA (H, kH)`, `db = sum of dA's rows (kH)`.
/// `da` and `hPrev` are `(N*T, kH)` and `(N*T, H)` in sequence-row order.
func cs231nSequenceGradients<S: TensorScalar>(
    da: [S], hPrev: [S], x: Tensor<S>, wx: Tensor<S>, wh: Tensor<S>
) -> (dx: Tensor<S>, dWx: Tensor<S>, dWh: Tensor<S>, db: Tensor<S>) {
    let rows = x.shape[0] * x.shape[1]
    let (d, width, h) = (wx.shape[0], wx.shape[1], wh.shape[0])
    var dx = Tensor<S>.zeros(x.shape)
    var dWx = Tensor<S>.zeros(wx.shape)
    var dWh = Tensor<S>.zeros(wh.shape)
    var db = [S](repeating: 0, count: width)
    da.withUnsafeBufferPointer { da in
        guard let dA = da.baseAddress else { return }
        hPrev.withUnsafeBufferPointer { hp in
            x.scalars.withUnsafeBufferPointer { xs in
                wx.scalars.withUnsafeBufferPointer { wxs in
                    dx.scalars.withUnsafeMutableBufferPointer { dxs in
                        if d > 0 {
                            cs231nGEMM(dA, lda: width, wxs.baseAddress!, ldb: width, transposeB: true, dxs.baseAddress!,
                                       ldc: d, m: rows, n: d, k: width)
                        }
                    }
                    dWx.scalars.withUnsafeMutableBufferPointer { dw in
                        if d > 0 {
                            cs231nGEMM(xs.baseAddress!, lda: d, transposeA: true, dA, ldb: width, dw.baseAddress!,
                                       ldc: width, m: d, n: width, k: rows)
                        }
                    }
                }
            }
            dWh.scalars.withUnsafeMutableBufferPointer { dw in
                cs231nGEMM(hp.baseAddress!, lda: h, transposeA: true, dA, ldb: width, dw.baseAddress!, ldc: width,
                           m: h, n: width, k: rows)
            }
        }
        db.withUnsafeMutableBufferPointer { db in
            for row in 0..<rows {
                let r = dA + row * width
                for j in 0..<width { db[j] += r[j] }
            }
        }
    }
    return (dx, dWx, dWh, Tensor(shape: [width], scalars: db))
}

/// `H_prev (N*T, H)`: row `n*T + t` is `h[n, t-1]`, or `h0[n]` at `t = 0`.
func cs231nPreviousStates<S: TensorScalar>(h: UnsafePointer<S>, h0: Tensor<S>, n: Int, length: Int, hidden: Int) -> [S] {
    [S](unsafeUninitializedCapacity: n * length * hidden) { out, initialized in
        h0.scalars.withUnsafeBufferPointer { h0s in
            for b in 0..<n {
                let row = out.baseAddress! + b * length * hidden
                row.initialize(from: h0s.baseAddress! + b * hidden, count: hidden)
                if length > 1 {
                    (row + hidden).initialize(from: h + b * length * hidden, count: (length - 1) * hidden)
                }
            }
        }
        initialized = n * length * hidden
    }
}
