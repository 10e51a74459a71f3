import Layers
public import Tensors

/// `lstm.classifier`: the notebook's `RecurrentNeuralNetworkClass.forward`, then `nn.CrossEntropyLoss` when the
/// case has `targets`.
///
/// Config: `xdim`, `hdim`, `ydim`, `n_layer`. Inputs: `x (N, L, xdim)`, optional `targets (N)` int64.
/// Params: `rnn.*`, `lin.*`. Outputs: `rnn_out`, `hn`, `cn`, `last_step (N, 1, hdim)`, `logits (N, ydim)`, `loss ()`.
public enum LSTMClassifierReplay: Replay {
    public static let name = "lstm.classifier"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let model = try LSTMClassifier<S>(
            xdim: try config.int("xdim"), hdim: try config.int("hdim"), ydim: try config.int("ydim"),
            nLayer: try config.int("n_layer"), parameters: &parameters)
        try parameters.finish()
        let out = try model(try input.tensor("x"))
        var trace = ReplayTrace<S>()
        trace.record("rnn_out", out.rnnOut)
        trace.record("hn", out.hn)
        trace.record("cn", out.cn)
        trace.record("last_step", out.lastStep)
        trace.record("logits", out.logits)
        if input.has("targets") {
            trace.record("loss", try CrossEntropyLoss()(out.logits, try input.indices("targets")))
        }
        return trace
    }
}
