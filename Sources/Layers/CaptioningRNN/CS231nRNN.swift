public import Tensors

/// A vanilla RNN over a whole sequence, cs231n `rnn_forward`/`rnn_backward`: `h_t = tanh(x_t Wx + h_{t-1} Wh + b)`
/// from the given `h0`; the backward pass walks `t = T-1 ... 0` with `dnext = dh[:, t] + dprev` and sums the
/// weight gradients of every step.
///
/// Shapes: `x: (N, T, D)`, `h0: (N, H)` -> `h: (N, T, H)`; backward `dh: (N, T, H)` -> `dx: (N, T, D)`,
/// `dh0: (N, H)`, `dWx: (D, H)`, `dWh: (H, H)`, `db: (H)`. Parameters `Wx`, `Wh`, `b` as in `CS231nRNNCell`.
/// Matches the "Vanilla RNN: forward / backward" cells of RNN_Captioning.ipynb.
public struct CS231nRNN<S: TensorScalar>: Sendable {
    /// The gradients of the whole sequence.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dh0: Tensor<S>
        public var dWx: Tensor<S>
        public var dWh: Tensor<S>
        public var db: Tensor<S>
    }

    public let cell: CS231nRNNCell<S>

    public init(cell: CS231nRNNCell<S>) { self.cell = cell }

    public init(inputDim: Int, hiddenDim: Int, parameters: inout ParameterStore<S>, prefix: String = "") throws(ParameterError) {
        cell = try CS231nRNNCell(inputDim: inputDim, hiddenDim: hiddenDim, parameters: &parameters, prefix: prefix)
    }

    /// Every hidden state, `h: (N, T, H)`. Each step computes `x[:, t] Wx` and `prev_h Wh` (one GEMM each, as the
    /// assignment's `rnn_step_forward`), adds them and then `b`, in the assignment's order.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, h0: Tensor<S>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CS231nRNN", "x", x, is: [-1, -1, cell.inputDim])
        guard x.shape[1] > 0 else { throw LayerError("CS231nRNN", "x has shape \(x.shape): empty sequence") }
        let (n, length, hidden) = (x.shape[0], x.shape[1], cell.hiddenDim)
        try LayerError.check("CS231nRNNCell", "prev_h", h0, is: [n, hidden])
        var projected = [S](repeating: 0, count: n * hidden)  // x[:, t] Wx
        var recurrent = [S](repeating: 0, count: n * hidden)
        var state = h0.scalars
        var h = Tensor<S>.zeros([n, length, hidden])
        x.scalars.withUnsafeBufferPointer { xs in
        cell.wx.scalars.withUnsafeBufferPointer { wx in
        projected.withUnsafeMutableBufferPointer { p in
        cell.wh.scalars.withUnsafeBufferPointer { wh in
        cell.b.scalars.withUnsafeBufferPointer { b in
        recurrent.withUnsafeMutableBufferPointer { q in
        state.withUnsafeMutableBufferPointer { state in
        h.scalars.withUnsafeMutableBufferPointer { out in
            guard let p = p.baseAddress, let q = q.baseAddress, let state = state.baseAddress else { return }
            for t in 0..<length {
                cs231nStepInputProjection(xs, step: t, n: n, length: length, d: cell.inputDim,
                                          wx, width: hidden, into: p)
                cs231nGEMM(UnsafePointer(state), lda: hidden, wh.baseAddress!, ldb: hidden, q, ldc: hidden,
                           m: n, n: hidden, k: hidden)
                for row in 0..<n {
                    let pre = p + row * hidden
                    let r = q + row * hidden
                    for j in 0..<hidden { r[j] = (pre[j] + r[j]) + b[j] }
                }
                S.vectorTanh(q, state, count: n * hidden)
                for row in 0..<n {
                    (out.baseAddress! + (row * length + t) * hidden).update(from: state + row * hidden, count: hidden)
                }
            }
        }}}}}}}}
        return h
    }

    /// The backward pass from the upstream `dh` and the forward's `x`, `h0` and `h`. Each step computes
    /// `da = (1 - next_h^2) * (dh[:, t] + dprev_h)` and `dprev_h = da Wh^T`; `dx`, `dWx`, `dWh`, `db` follow step by
    /// step from every step's `da` (`cs231nSequenceGradients`).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dh: Tensor<S>, x: Tensor<S>, h0: Tensor<S>, h: Tensor<S>) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nRNN", "dh", dh, is: h.shape)
        try LayerError.check("CS231nRNN", "x", x, is: [h.shape[0], h.shape[1], cell.inputDim])
        try LayerError.check("CS231nRNN", "h0", h0, is: [h.shape[0], cell.hiddenDim])
        let (n, length, hidden) = (x.shape[0], x.shape[1], cell.hiddenDim)
        var da = [S](repeating: 0, count: n * length * hidden)
        var dprev = [S](repeating: 0, count: n * hidden)
        var dnext = [S](repeating: 0, count: n * hidden)
        h.scalars.withUnsafeBufferPointer { hs in
        dh.scalars.withUnsafeBufferPointer { dhs in
        cell.wh.scalars.withUnsafeBufferPointer { wh in
        da.withUnsafeMutableBufferPointer { da in
        dprev.withUnsafeMutableBufferPointer { dprev in
        dnext.withUnsafeMutableBufferPointer { dnext in
            guard let daBase = da.baseAddress, let dprev = dprev.baseAddress, let dnext = dnext.baseAddress else { return }
            for t in (0..<length).reversed() {
                for row in 0..<n {
                    let offset = (row * length + t) * hidden
                    let (next, up, a) = (hs.baseAddress! + offset, dhs.baseAddress! + offset, daBase + offset)
                    let (dp, dn) = (dprev + row * hidden, dnext + row * hidden)
                    for j in 0..<hidden {
                        dn[j] = up[j] + dp[j]
                        a[j] = (1 - next[j] * next[j]) * dn[j]
                    }
                }
                // dprev_h = da Wh^T, with da the rows n*T + t of dA (stride T*H).
                cs231nGEMM(UnsafePointer(daBase + t * hidden), lda: length * hidden, wh.baseAddress!, ldb: hidden,
                           transposeB: true, dprev, ldc: hidden, m: n, n: hidden, k: hidden)
            }
        }}}}}}
        let g = cs231nSequenceGradients(da: da, h: h, h0: h0, x: x, wx: cell.wx, wh: cell.wh)
        return Gradients(dx: g.dx, dh0: Tensor(shape: [n, hidden], scalars: dprev), dWx: g.dWx, dWh: g.dWh, db: g.db)
    }
}
