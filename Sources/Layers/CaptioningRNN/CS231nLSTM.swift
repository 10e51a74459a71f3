public import Tensors

/// An LSTM over a whole sequence, cs231n `lstm_forward`/`lstm_backward`: `CS231nLSTMCell` (gates i, f, o, g) from
/// the given `h0` and **`c0 = 0`**; the backward pass walks `t = T-1 ... 0` with `dnext_h = dh[:, t] + dprev_h`,
/// `dnext_c = dprev_c` (zero at the last step) and sums the weight gradients of every step.
///
/// Shapes: `x: (N, T, D)`, `h0: (N, H)` -> `c, h: (N, T, H)`; backward `dh: (N, T, H)` -> `dx: (N, T, D)`,
/// `dh0: (N, H)`, `dWx: (D, 4H)`, `dWh: (H, 4H)`, `db: (4H)`. Parameters `Wx`, `Wh`, `b` as in `CS231nLSTMCell`.
/// Matches the "LSTM: forward / backward" cells of LSTM_Captioning.ipynb.
public struct CS231nLSTM<S: TensorScalar>: Sendable {
    /// The forward result: cell and hidden states of every step, and each step's record for the backward pass.
    public struct Output: Sendable {
        public var c: Tensor<S>
        public var h: Tensor<S>
        public var steps: [CS231nLSTMCell<S>.Step]
    }

    /// The gradients of the whole sequence.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dh0: Tensor<S>
        public var dWx: Tensor<S>
        public var dWh: Tensor<S>
        public var db: Tensor<S>
    }

    public let cell: CS231nLSTMCell<S>

    public init(cell: CS231nLSTMCell<S>) { self.cell = cell }

    public init(inputDim: Int, hiddenDim: Int, parameters: inout ParameterStore<S>, prefix: String = "") throws(ParameterError) {
        cell = try CS231nLSTMCell(inputDim: inputDim, hiddenDim: hiddenDim, parameters: &parameters, prefix: prefix)
    }

    /// The forward pass. Each step computes `x[:, t] Wx` and `prev_h Wh` (one GEMM each, as the assignment's
    /// `lstm_step_forward`), adds them and then `b` (the assignment's order) and applies the gates with the vectorized
    /// exp/tanh.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, h0: Tensor<S>) throws(LayerError) -> Output {
        try LayerError.check("CS231nLSTM", "x", x, is: [-1, -1, cell.inputDim])
        guard x.shape[1] > 0 else { throw LayerError("CS231nLSTM", "x has shape \(x.shape): empty sequence") }
        let (n, length, hidden) = (x.shape[0], x.shape[1], cell.hiddenDim)
        try LayerError.check("CS231nLSTMCell", "prev_h", h0, is: [n, hidden])
        let width = 4 * hidden
        var projected = [S](repeating: 0, count: n * width)  // x[:, t] Wx
        var steps: [CS231nLSTMCell<S>.Step] = []
        steps.reserveCapacity(length)
        var c = Tensor<S>.zeros([n, length, hidden])
        var h = Tensor<S>.zeros([n, length, hidden])
        var prevH = h0
        var prevC = Tensor<S>.zeros([n, hidden])  // the assignment starts every sequence from c0 = 0
        var scratch = [S](repeating: 0, count: n * hidden)
        x.scalars.withUnsafeBufferPointer { xs in
        cell.wx.scalars.withUnsafeBufferPointer { wx in
        projected.withUnsafeMutableBufferPointer { p in
        cell.wh.scalars.withUnsafeBufferPointer { wh in
        cell.b.scalars.withUnsafeBufferPointer { b in
        scratch.withUnsafeMutableBufferPointer { scratch in
            let (e, p) = (scratch.baseAddress!, p.baseAddress!)
            for t in 0..<length {
                cs231nStepInputProjection(xs, step: t, n: n, length: length, d: cell.inputDim,
                                          wx, width: width, into: p)
                // a = (x Wx + prev_h Wh) + b
                let a = prevH.scalars.withUnsafeBufferPointer { ph in
                    Tensor<S>.build(shape: [n, width]) { a in
                        let a = a.baseAddress!
                        cs231nGEMM(ph.baseAddress!, lda: hidden, wh.baseAddress!, ldb: width, a, ldc: width,
                                   m: n, n: width, k: hidden)
                        for row in 0..<n {
                            let pre = p + row * width
                            let r = a + row * width
                            for j in 0..<width { r[j] = (pre[j] + r[j]) + b[j] }
                        }
                    }
                }
                let (i, f, o, g, nextC, nextH) = a.scalars.withUnsafeBufferPointer { a in
                    let a = a.baseAddress!
                    // The gates, i, f, o, g in the assignment's order: the two-branch sigmoid of the first three
                    // blocks, tanh of the last.
                    func sigmoidBlock(_ block: Int) -> Tensor<S> {
                        Tensor<S>.build(shape: [n, hidden]) { out in
                            for row in 0..<n {
                                let src = a + row * width + block * hidden
                                for j in 0..<hidden { e[row * hidden + j] = -Swift.abs(src[j]) }
                            }
                            S.vectorExp(e, e, count: n * hidden)
                            for row in 0..<n {
                                let src = a + row * width + block * hidden
                                for j in 0..<hidden {
                                    let z = e[row * hidden + j]
                                    // 1 / (1 + exp(-x)) for x >= 0, exp(x) / (1 + exp(x)) otherwise
                                    out.initializeElement(at: row * hidden + j, to: src[j] >= 0 ? 1 / (1 + z) : z / (1 + z))
                                }
                            }
                        }
                    }
                    let i = sigmoidBlock(0)
                    let f = sigmoidBlock(1)
                    let o = sigmoidBlock(2)
                    let g = Tensor<S>.build(shape: [n, hidden]) { out in
                        for row in 0..<n { S.vectorTanh(a + row * width + 3 * hidden, out.baseAddress! + row * hidden, count: hidden) }
                    }
                    // next_c = f * prev_c + i * g;  next_h = o * tanh(next_c)
                    let nextC = Tensor<S>.build(shape: [n, hidden]) { out in
                        i.scalars.withUnsafeBufferPointer { i in
                        f.scalars.withUnsafeBufferPointer { f in
                        g.scalars.withUnsafeBufferPointer { g in
                        prevC.scalars.withUnsafeBufferPointer { pc in
                            for k in 0..<out.count { out.initializeElement(at: k, to: f[k] * pc[k] + i[k] * g[k]) }
                        }}}}
                    }
                    let nextH = Tensor<S>.build(shape: [n, hidden]) { out in
                        nextC.scalars.withUnsafeBufferPointer { nc in
                        o.scalars.withUnsafeBufferPointer { o in
                            S.vectorTanh(nc.baseAddress!, e, count: n * hidden)
                            for k in 0..<out.count { out.initializeElement(at: k, to: o[k] * e[k]) }
                        }}
                    }
                    return (i, f, o, g, nextC, nextH)
                }
                nextC.scalars.withUnsafeBufferPointer { nc in
                nextH.scalars.withUnsafeBufferPointer { nh in
                c.scalars.withUnsafeMutableBufferPointer { cs in
                h.scalars.withUnsafeMutableBufferPointer { hs in
                    for row in 0..<n {
                        let offset = (row * length + t) * hidden
                        (cs.baseAddress! + offset).update(from: nc.baseAddress! + row * hidden, count: hidden)
                        (hs.baseAddress! + offset).update(from: nh.baseAddress! + row * hidden, count: hidden)
                    }
                }}}}
                steps.append(.init(a: a, i: i, f: f, o: o, g: g, nextC: nextC, nextH: nextH))
                prevH = nextH
                prevC = nextC
            }
        }}}}}}
        return Output(c: c, h: h, steps: steps)
    }

    /// The backward pass from the upstream `dh` and the forward's `x`, `h0` and output. Each step computes the
    /// assignment's `da` from `dnext_h = dh[:, t] + dprev_h` and `dnext_c = dprev_c`, then `dprev_h = da Wh^T`;
    /// `dx`, `dWx`, `dWh`, `db` follow step by step from every step's `da` (`cs231nSequenceGradients`).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dh: Tensor<S>, x: Tensor<S>, h0: Tensor<S>, forward: Output) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nLSTM", "dh", dh, is: forward.h.shape)
        let (n, length, hidden) = (x.shape[0], x.shape[1], cell.hiddenDim)
        try LayerError.check("CS231nLSTM", "x", x, is: [forward.h.shape[0], forward.h.shape[1], cell.inputDim])
        try LayerError.check("CS231nLSTM", "h0", h0, is: [n, hidden])
        guard forward.steps.count == length else {
            throw LayerError("CS231nLSTM", "the forward output has \(forward.steps.count) steps, x has \(length)")
        }
        let width = 4 * hidden
        var da = [S](repeating: 0, count: n * length * width)
        var dprevH = [S](repeating: 0, count: n * hidden)
        var dprevC = [S](repeating: 0, count: n * hidden)
        var tanhC = [S](repeating: 0, count: n * hidden)
        dh.scalars.withUnsafeBufferPointer { dhs in
        cell.wh.scalars.withUnsafeBufferPointer { wh in
        da.withUnsafeMutableBufferPointer { da in
        dprevH.withUnsafeMutableBufferPointer { dprevH in
        dprevC.withUnsafeMutableBufferPointer { dprevC in
        tanhC.withUnsafeMutableBufferPointer { tanhC in
            guard let daBase = da.baseAddress, let dph = dprevH.baseAddress, let dpc = dprevC.baseAddress,
                let tc = tanhC.baseAddress else { return }
            for t in (0..<length).reversed() {
                let step = forward.steps[t]
                let prevC = t == 0 ? nil : forward.steps[t - 1].nextC
                step.nextC.scalars.withUnsafeBufferPointer { nc in S.vectorTanh(nc.baseAddress!, tc, count: n * hidden) }
                step.i.scalars.withUnsafeBufferPointer { i in
                step.f.scalars.withUnsafeBufferPointer { f in
                step.o.scalars.withUnsafeBufferPointer { o in
                step.g.scalars.withUnsafeBufferPointer { g in
                (prevC ?? Tensor<S>.zeros([0])).scalars.withUnsafeBufferPointer { pc in
                    for row in 0..<n {
                        let up = dhs.baseAddress! + (row * length + t) * hidden
                        let a = daBase + (row * length + t) * width
                        for j in 0..<hidden {
                            let k = row * hidden + j
                            let dnextH = up[j] + dph[k]
                            let dOut = dnextH * tc[k]
                            let dc = dpc[k] + dnextH * o[k] * (1 - tc[k] * tc[k])
                            let previousC: S = prevC == nil ? 0 : pc[k]
                            let (di, df, dg) = (dc * g[k], dc * previousC, dc * i[k])
                            // `di * i * (1 - i)` is (di * i) * (1 - i) in NumPy: the same order here
                            a[j] = di * i[k] * (1 - i[k])
                            a[hidden + j] = df * f[k] * (1 - f[k])
                            a[2 * hidden + j] = dOut * o[k] * (1 - o[k])
                            a[3 * hidden + j] = dg * (1 - g[k] * g[k])
                            dpc[k] = dc * f[k]
                        }
                    }
                }}}}}
                // dprev_h = da Wh^T, with da the rows n*T + t of dA (stride T*4H).
                cs231nGEMM(UnsafePointer(daBase + t * width), lda: length * width, wh.baseAddress!, ldb: width,
                           transposeB: true, dph, ldc: hidden, m: n, n: hidden, k: width)
            }
        }}}}}}
        let g = cs231nSequenceGradients(da: da, h: forward.h, h0: h0, x: x, wx: cell.wx, wh: cell.wh)
        return Gradients(dx: g.dx, dh0: Tensor(shape: [n, hidden], scalars: dprevH), dWx: g.dWx, dWh: g.dWh, db: g.db)
    }
}
