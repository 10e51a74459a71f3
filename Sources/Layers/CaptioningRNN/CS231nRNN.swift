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

    /// Every hidden state, `h: (N, T, H)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, h0: Tensor<S>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CS231nRNN", "x", x, is: [-1, -1, cell.inputDim])
        guard x.shape[1] > 0 else { throw LayerError("CS231nRNN", "x has shape \(x.shape): empty sequence") }
        var states: [Tensor<S>] = []
        var prev = h0
        for t in 0..<x.shape[1] {
            prev = try cell(x.select(axis: 1, t), prevH: prev)
            states.append(prev)
        }
        return .cs231nStackedAlongAxis1(states)
    }

    /// The backward pass from the upstream `dh` and the forward's `x`, `h0` and `h`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dh: Tensor<S>, x: Tensor<S>, h0: Tensor<S>, h: Tensor<S>) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nRNN", "dh", dh, is: h.shape)
        let (n, length) = (x.shape[0], x.shape[1])
        var dxSteps = [Tensor<S>](repeating: .zeros([n, cell.inputDim]), count: length)
        var dWx = Tensor<S>.zeros(cell.wx.shape)
        var dWh = Tensor<S>.zeros(cell.wh.shape)
        var db = Tensor<S>.zeros(cell.b.shape)
        var dprev = Tensor<S>.zeros([n, cell.hiddenDim])
        for t in (0..<length).reversed() {
            let prevH = t == 0 ? h0 : h.select(axis: 1, t - 1)
            let step = try cell.backward(
                dh.select(axis: 1, t) + dprev, x: x.select(axis: 1, t), prevH: prevH, nextH: h.select(axis: 1, t))
            dxSteps[t] = step.dx
            dprev = step.dprevH
            dWx = dWx + step.dWx
            dWh = dWh + step.dWh
            db = db + step.db
        }
        return Gradients(dx: .cs231nStackedAlongAxis1(dxSteps), dh0: dprev, dWx: dWx, dWh: dWh, db: db)
    }
}
