public import Tensors

/// One LSTM step as cs231n 2022 assignment 3 `rnn_layers.py` computes it (`lstm_step_forward`/`_backward`), with the
/// activation vector split in the order **i, f, o, g** (PyTorch's `nn.LSTM` uses i, f, g, o):
///
///     a = x Wx + prev_h Wh + b                       (N, 4H)
///     i = sigmoid(a[:, 0:H]), f = sigmoid(a[:, H:2H]), o = sigmoid(a[:, 2H:3H]), g = tanh(a[:, 3H:4H])
///     next_c = f * prev_c + i * g,   next_h = o * tanh(next_c)
///
/// `sigmoid` is the assignment's two-branch stable form (`exp(x) / (1 + exp(x))` for negative `x`).
/// Shapes: `x: (N, D)`, `prev_h, prev_c: (N, H)` -> `next_h, next_c: (N, H)`. Parameters in the assignment's
/// row-vector layout: `Wx: (D, 4H)`, `Wh: (H, 4H)`, `b: (4H)`, keys `Wx`, `Wh`, `b`.
/// Matches the "LSTM: step forward / step backward" cells of LSTM_Captioning.ipynb.
public struct CS231nLSTMCell<S: TensorScalar>: Sendable {
    /// What one step computed, kept for the backward pass.
    public struct Step: Sendable {
        public var a: Tensor<S>
        public var i: Tensor<S>
        public var f: Tensor<S>
        public var o: Tensor<S>
        public var g: Tensor<S>
        public var nextC: Tensor<S>
        public var nextH: Tensor<S>
    }

    /// The gradients of one step.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dprevH: Tensor<S>
        public var dprevC: Tensor<S>
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

    /// Loads `Wx (D, 4H)`, `Wh (H, 4H)`, `b (4H)` (with `prefix`).
    public init(inputDim: Int, hiddenDim: Int, parameters: inout ParameterStore<S>, prefix: String = "") throws(ParameterError) {
        self.init(
            wx: try parameters.take(prefix + "Wx", shape: [inputDim, 4 * hiddenDim]),
            wh: try parameters.take(prefix + "Wh", shape: [hiddenDim, 4 * hiddenDim]),
            b: try parameters.take(prefix + "b", shape: [4 * hiddenDim]))
    }

    /// `rnn_layers.sigmoid`: `1 / (1 + exp(-x))` for `x >= 0`, `exp(x) / (1 + exp(x))` otherwise.
    public static func sigmoid(_ x: S) -> S {
        if x >= 0 { return 1 / (1 + S.exp(-x)) }
        let z = S.exp(x)
        return z / (1 + z)
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, prevH: Tensor<S>, prevC: Tensor<S>) throws(LayerError) -> Step {
        try LayerError.check("CS231nLSTMCell", "x", x, is: [-1, inputDim])
        let stateShape = [x.shape[0], hiddenDim]
        try LayerError.check("CS231nLSTMCell", "prev_h", prevH, is: stateShape)
        try LayerError.check("CS231nLSTMCell", "prev_c", prevC, is: stateShape)
        let h = hiddenDim
        let a = (x.matmul(wx) + prevH.matmul(wh)).addingRow(b)
        // The assignment's order: i, f, o, g.
        let i = a.slice(axis: 1, 0..<h).map(Self.sigmoid)
        let f = a.slice(axis: 1, h..<(2 * h)).map(Self.sigmoid)
        let o = a.slice(axis: 1, (2 * h)..<(3 * h)).map(Self.sigmoid)
        let g = a.slice(axis: 1, (3 * h)..<(4 * h)).tanh()
        let nextC = f * prevC + i * g
        let nextH = o * nextC.tanh()
        return Step(a: a, i: i, f: f, o: o, g: g, nextC: nextC, nextH: nextH)
    }

    /// The step's backward pass from `dnext_h`, `dnext_c` and the forward's `x`, `prev_h`, `prev_c` and `step`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(
        dnextH: Tensor<S>, dnextC: Tensor<S>, x: Tensor<S>, prevH: Tensor<S>, prevC: Tensor<S>, step: Step
    ) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nLSTMCell", "dnext_h", dnextH, is: step.nextH.shape)
        try LayerError.check("CS231nLSTMCell", "dnext_c", dnextC, is: step.nextC.shape)
        let tanhC = step.nextC.tanh()
        let dOut = dnextH * tanhC
        let dc = dnextC + dnextH * step.o * tanhC.map { 1 - $0 * $0 }
        let di = dc * step.g
        let df = dc * prevC
        let dg = dc * step.i
        // `di * i * (1 - i)`: (di * i) * (1 - i), left to right as NumPy evaluates it
        let oneMinus = { (gate: Tensor<S>) in gate.map { 1 - $0 } }
        let da = Tensor.concatenated(
            [di * step.i * oneMinus(step.i), df * step.f * oneMinus(step.f), dOut * step.o * oneMinus(step.o),
             dg * step.g.map { 1 - $0 * $0 }],
            axis: 1)
        return Gradients(
            dx: da.matmul(wx, transposeOther: true),
            dprevH: da.matmul(wh, transposeOther: true),
            dprevC: dc * step.f,
            dWx: x.transposedLastTwo().matmul(da),
            dWh: prevH.transposedLastTwo().matmul(da),
            db: da.cs231nSumOverRows())
    }
}
