import Layers
public import Tensors

/// `lstm.rnn`: `nn.LSTM(batch_first=True)` alone, as in the shape-demo cell `R.rnn(x)`.
///
/// Config: `input_size`, `hidden_size`, `num_layers`. Inputs: `x (N, L, Q)`, optional `h0`, `c0 (K, N, D)`.
/// Params: `rnn.*`. Outputs: `rnn_out (N, L, D)`, `hn`, `cn (K, N, D)`.
public enum LSTMSequenceReplay: Replay {
    public static let name = "lstm.rnn"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let rnn = try LSTM<S>(
            inputSize: try config.int("input_size"), hiddenSize: try config.int("hidden_size"),
            numLayers: try config.int("num_layers"), parameters: &parameters, prefix: "rnn.")
        try parameters.finish()
        let out = try rnn(try input.tensor("x"), h0: try input.optionalTensor("h0"), c0: try input.optionalTensor("c0"))
        var trace = ReplayTrace<S>()
        trace.record("rnn_out", out.output)
        trace.record("hn", out.hn)
        trace.record("cn", out.cn)
        return trace
    }
}
