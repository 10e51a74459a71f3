public import Tensors

/// The notebook's `RecurrentNeuralNetworkClass`: an LSTM, then a Linear layer on the last step's output.
///
///     rnn_out, (hn, cn) = rnn(x, (0, 0))        x: (N, L, xdim) -> rnn_out: (N, L, hdim)
///     last_step = rnn_out[:, -1:]               (N, 1, hdim)    (`rnn_out[:,-1 :]` in the notebook)
///     logits = lin(last_step).view(-1, ydim)    (N, ydim)
///
/// Parameters: `rnn.*` (see `LSTM`) and `lin.weight: (ydim, hdim)`, `lin.bias: (ydim)`.
/// Matches `RecurrentNeuralNetworkClass.forward` in boostcamp `lstm.ipynb` (built there with n_layer=2).
public struct LSTMClassifier<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Trace: Sendable {
        public var rnnOut: Tensor<S>
        public var hn: Tensor<S>
        public var cn: Tensor<S>
        public var lastStep: Tensor<S>
        public var logits: Tensor<S>
    }

    public let rnn: LSTM<S>
    public let lin: Linear<S>

    public init(xdim: Int, hdim: Int, ydim: Int, nLayer: Int, parameters: inout ParameterStore<S>) throws(ParameterError) {
        rnn = try LSTM(inputSize: xdim, hiddenSize: hdim, numLayers: nLayer, parameters: &parameters, prefix: "rnn.")
        lin = try Linear(inFeatures: hdim, outFeatures: ydim, parameters: &parameters, prefix: "lin.")
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>) throws(LayerError) -> Trace {
        let out = try rnn(x)
        let length = out.output.shape[1]
        let lastStep = out.output.slice(axis: 1, (length - 1)..<length)
        let logits = try lin(lastStep).reshaped([-1, lin.outFeatures])
        return Trace(rnnOut: out.output, hn: out.hn, cn: out.cn, lastStep: lastStep, logits: logits)
    }

    /// A torchinfo-style summary for an input of shape `(batch, length, xdim)`.
    public func summary(batch: Int, length: Int) -> ModelSummary {
        let d = rnn.hiddenSize
        return ModelSummary(
            model: "RecurrentNeuralNetworkClass", outputShape: [batch, lin.outFeatures],
            layers: [
                .init(name: "LSTM", depth: 1, outputShape: [batch, length, d], parameterCount: rnn.parameterCount),
                .init(name: "Linear", depth: 1, outputShape: [batch, 1, lin.outFeatures], parameterCount: lin.parameterCount),
            ])
    }
}
