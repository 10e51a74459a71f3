import Layers
public import Tensors

/// `cs231n.rnn`: `rnn_forward(x, h0, Wx, Wh, b)` ("Vanilla RNN: forward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, T, D)`, `h0 (N, H)`. Params: `Wx (D, H)`, `Wh (H, H)`,
/// `b (H)`. Outputs: `h (N, T, H)`.
public enum CS231nRNNReplay: Replay {
    public static let name = "cs231n.rnn"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let rnn = try CS231nRNN<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        var trace = ReplayTrace<S>()
        trace.record("h", try rnn(try input.tensor("x"), h0: try input.tensor("h0")))
        return trace
    }
}
