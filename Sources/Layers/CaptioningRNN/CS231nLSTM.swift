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

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, h0: Tensor<S>) throws(LayerError) -> Output {
        try LayerError.check("CS231nLSTM", "x", x, is: [-1, -1, cell.inputDim])
        guard x.shape[1] > 0 else { throw LayerError("CS231nLSTM", "x has shape \(x.shape): empty sequence") }
        var steps: [CS231nLSTMCell<S>.Step] = []
        var prevH = h0
        var prevC = Tensor<S>.zeros(h0.shape)  // the assignment starts every sequence from c0 = 0
        for t in 0..<x.shape[1] {
            let step = try cell(x.select(axis: 1, t), prevH: prevH, prevC: prevC)
            prevH = step.nextH
            prevC = step.nextC
            steps.append(step)
        }
        return Output(
            c: .cs231nStackedAlongAxis1(steps.map(\.nextC)), h: .cs231nStackedAlongAxis1(steps.map(\.nextH)),
            steps: steps)
    }

    /// The backward pass from the upstream `dh` and the forward's `x`, `h0` and output.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dh: Tensor<S>, x: Tensor<S>, h0: Tensor<S>, forward: Output) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nLSTM", "dh", dh, is: forward.h.shape)
        let (n, length) = (x.shape[0], x.shape[1])
        var dxSteps = [Tensor<S>](repeating: .zeros([n, cell.inputDim]), count: length)
        var dWx = Tensor<S>.zeros(cell.wx.shape)
        var dWh = Tensor<S>.zeros(cell.wh.shape)
        var db = Tensor<S>.zeros(cell.b.shape)
        var dprevH = Tensor<S>.zeros([n, cell.hiddenDim])
        var dprevC = Tensor<S>.zeros([n, cell.hiddenDim])
        for t in (0..<length).reversed() {
            let prevH = t == 0 ? h0 : forward.steps[t - 1].nextH
            let prevC = t == 0 ? Tensor<S>.zeros(h0.shape) : forward.steps[t - 1].nextC
            let step = try cell.backward(
                dnextH: dh.select(axis: 1, t) + dprevH, dnextC: dprevC, x: x.select(axis: 1, t),
                prevH: prevH, prevC: prevC, step: forward.steps[t])
            dxSteps[t] = step.dx
            dprevH = step.dprevH
            dprevC = step.dprevC
            dWx = dWx + step.dWx
            dWh = dWh + step.dWh
            db = db + step.db
        }
        return Gradients(dx: .cs231nStackedAlongAxis1(dxSteps), dh0: dprevH, dWx: dWx, dWh: dWh, db: db)
    }
}
