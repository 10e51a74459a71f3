public import Layers
public import Tensors

/// `lstm.classifier`: the notebook's `RecurrentNeuralNetworkClass.forward`, then `nn.CrossEntropyLoss` when the
/// case has `targets`.
///
/// Config: `xdim`, `hdim`, `ydim`, `n_layer`. Inputs: `x (N, L, xdim)`, optional `targets (N)` int64.
/// Params: `rnn.*`, `lin.*`. Outputs: `rnn_out`, `hn`, `cn`, `last_step (N, 1, hdim)`, `logits (N, ydim)`, `loss ()`,
/// `parameter_count ()` (the torchinfo summary's "Total params", as a scalar of the case's dtype).
public enum LSTMClassifierReplay: SummarizingReplay {
    public static let name = "lstm.classifier"

    /// The model the case's configuration describes, loaded strictly from its `state_dict`.
    static func model<S: TensorScalar>(_ input: ReplayInput<S>) throws -> LSTMClassifier<S> {
        let config = input.configuration
        var parameters = input.parameters
        let model = try LSTMClassifier<S>(
            xdim: try config.int("xdim"), hdim: try config.int("hdim"), ydim: try config.int("ydim"),
            nLayer: try config.int("n_layer"), parameters: &parameters)
        try parameters.finish()
        return model
    }

    /// The torchinfo-style summary for the case's input `x: (N, L, xdim)`.
    public static func summary<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ModelSummary {
        let x = try input.tensor("x")
        try LayerError.check("RecurrentNeuralNetworkClass", "input x", x, is: [-1, -1, -1])
        return try model(input).summary(batch: x.shape[0], length: x.shape[1])
    }

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let model = try model(input)
        let x = try input.tensor("x")
        let out = try model(x)
        var trace = ReplayTrace<S>()
        trace.record("rnn_out", out.rnnOut)
        trace.record("hn", out.hn)
        trace.record("cn", out.cn)
        trace.record("last_step", out.lastStep)
        trace.record("logits", out.logits)
        if input.has("targets") {
            trace.record("loss", try CrossEntropyLoss()(out.logits, try input.indices("targets")))
        }
        let parameters = try model.summary(batch: x.shape[0], length: x.shape[1]).totalParameters
        trace.record("parameter_count", Tensor(scalar: S(parameters)))
        return trace
    }
}
