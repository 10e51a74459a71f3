public import Tensors

/// One vanilla RNN step as cs231n 2022 assignment 3 `rnn_layers.py` computes it (`rnn_step_forward`/`_backward`):
///
///     next_h = tanh(x Wx + prev_h Wh + b)
///     da = (1 - next_h^2) * dnext_h;  dx = da Wx^T;  dprev_h = da Wh^T;  dWx = x^T da;  dWh = prev_h^T da;  db = sum_n da
///
/// Shapes: `x: (N, D)`, `prev_h: (N, H)` -> `next_h: (N, H)`. Parameters in the assignment's row-vector layout
/// (`x @ Wx`, not PyTorch's `[out, in]`): `Wx: (D, H)`, `Wh: (H, H)`, `b: (H)`, keys `Wx`, `Wh`, `b`.
/// Matches the "Vanilla RNN: step forward / step backward" cells of RNN_Captioning.ipynb.
public struct CS231nRNNCell<S: TensorScalar>: Sendable {
    /// The gradients of one step, and `da`, the gradient at the pre-activation.
    public struct Gradients: Sendable {
        public var da: Tensor<S>
        public var dx: Tensor<S>
        public var dprevH: Tensor<S>
        public var dWx: Tensor<S>
        public var dWh: Tensor<S>
        public var db: Tensor<S>
    }

    public let wx: Tensor<S>
    public let wh: Tensor<S>
    public let b: Tensor<S>

    public var inputDim: Int { wx.shape[0] }
    public var hiddenDim: Int { wh.shape[0] }

    public init(wx: Tensor<S>, wh: Tensor<S>, b: Tensor<S>) {
        self.wx = wx
        self.wh = wh
        self.b = b
    }

    /// Loads `Wx (D, H)`, `Wh (H, H)`, `b (H)` (with `prefix`).
    public init(inputDim: Int, hiddenDim: Int, parameters: inout ParameterStore<S>, prefix: String = "") throws(ParameterError) {
        self.init(
            wx: try parameters.take(prefix + "Wx", shape: [inputDim, hiddenDim]),
            wh: try parameters.take(prefix + "Wh", shape: [hiddenDim, hiddenDim]),
            b: try parameters.take(prefix + "b", shape: [hiddenDim]))
    }

    /// `next_h = tanh(x Wx + prev_h Wh + b)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, prevH: Tensor<S>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CS231nRNNCell", "x", x, is: [-1, inputDim])
        try LayerError.check("CS231nRNNCell", "prev_h", prevH, is: [x.shape[0], hiddenDim])
        return (x.matmul(wx) + prevH.matmul(wh)).addingRow(b).tanh()
    }

    /// The step's backward pass from the upstream gradient `dnext_h` and the forward's `x`, `prev_h`, `next_h`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dnextH: Tensor<S>, x: Tensor<S>, prevH: Tensor<S>, nextH: Tensor<S>) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nRNNCell", "dnext_h", dnextH, is: nextH.shape)
        let da = nextH.map { 1 - $0 * $0 } * dnextH
        return Gradients(
            da: da,
            dx: da.matmul(wx, transposeOther: true),
            dprevH: da.matmul(wh, transposeOther: true),
            dWx: x.transposedLastTwo().matmul(da),
            dWh: prevH.transposedLastTwo().matmul(da),
            db: da.cs231nSumOverRows())
    }
}
