public import Tensors

/// cs231n `temporal_affine_forward`/`_backward`: one affine map applied at every time step,
///
///     out = x.reshape(N*T, D) w + b;   dx = dout w^T;   dw = (dout^T x)^T (over all N*T rows);   db = sum_{n,t} dout
///
/// Shapes: `x: (N, T, D)` -> `out: (N, T, M)`; `w: (D, M)`, `b: (M)` in the assignment's row-vector layout
/// (keys given at load, `w`/`b` in `rnn_layers.py`, `W_vocab`/`b_vocab` in CaptioningRNN).
/// Matches the "Temporal affine layer" cell of RNN_Captioning.ipynb.
public struct CS231nTemporalAffine<S: TensorScalar>: Sendable {
    /// The gradients of one call.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dw: Tensor<S>
        public var db: Tensor<S>
    }

    public let w: Tensor<S>
    public let b: Tensor<S>

    public var inputDim: Int { w.shape[0] }
    public var outputDim: Int { w.shape[1] }

    public init(w: Tensor<S>, b: Tensor<S>) {
        self.w = w
        self.b = b
    }

    public init(
        inputDim: Int, outputDim: Int, parameters: inout ParameterStore<S>, weightKey: String = "w", biasKey: String = "b"
    ) throws(ParameterError) {
        self.init(
            w: try parameters.take(weightKey, shape: [inputDim, outputDim]),
            b: try parameters.take(biasKey, shape: [outputDim]))
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CS231nTemporalAffine", "x", x, is: [-1, -1, inputDim])
        return x.reshaped([-1, inputDim]).matmul(w).addingRow(b).reshaped([x.shape[0], x.shape[1], outputDim])
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dout: Tensor<S>, x: Tensor<S>) throws(LayerError) -> Gradients {
        try LayerError.check("CS231nTemporalAffine", "x", x, is: [-1, -1, inputDim])
        try LayerError.check("CS231nTemporalAffine", "dout", dout, is: [x.shape[0], x.shape[1], outputDim])
        let rows = dout.reshaped([-1, outputDim])
        return Gradients(
            dx: rows.matmul(w, transposeOther: true).reshaped(x.shape),
            // dw = (dout^T x)^T as the assignment writes it: BLAS rounds dout^T x and x^T dout differently
            dw: rows.transposedMatmul(x.reshaped([-1, inputDim])).transposedLastTwo(),
            db: dout.cs231nSumOverRows())
    }
}
