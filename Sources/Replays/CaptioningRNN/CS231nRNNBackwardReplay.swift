import Layers
public import Tensors

/// `cs231n.rnn_backward`: `rnn_forward` then `rnn_backward(dout, cache)` ("Vanilla RNN: backward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, T, D)`, `h0 (N, H)`, `dout (N, T, H)`.
/// Params: `Wx (D, H)`, `Wh (H, H)`, `b (H)`. Outputs: `h (N, T, H)`, `dx (N, T, D)`, `dh0 (N, H)`, `dWx`, `dWh`, `db`.
public enum CS231nRNNBackwardReplay: Replay {
    public static let name = "cs231n.rnn_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let rnn = try CS231nRNN<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.tensor("x")
        let h0 = try input.tensor("h0")
        let h = try rnn(x, h0: h0)
        let grads = try rnn.backward(try input.tensor("dout"), x: x, h0: h0, h: h)
        var trace = ReplayTrace<S>()
        trace.record("h", h)
        trace.record("dx", grads.dx)
        trace.record("dh0", grads.dh0)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}
