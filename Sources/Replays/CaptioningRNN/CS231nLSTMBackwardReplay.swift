import Layers
public import Tensors

/// `cs231n.lstm_backward`: `lstm_forward` (c0 = 0) then `lstm_backward(dout, cache)` ("LSTM: backward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, T, D)`, `h0 (N, H)`, `dout (N, T, H)`.
/// Params: `Wx (D, 4H)`, `Wh (H, 4H)`, `b (4H)`. Outputs: `c`, `h (N, T, H)`, `dx (N, T, D)`, `dh0 (N, H)`, `dWx`,
/// `dWh`, `db`.
public enum CS231nLSTMBackwardReplay: Replay {
    public static let name = "cs231n.lstm_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let lstm = try CS231nLSTM<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.tensor("x")
        let h0 = try input.tensor("h0")
        let out = try lstm(x, h0: h0)
        let grads = try lstm.backward(try input.tensor("dout"), x: x, h0: h0, forward: out)
        var trace = ReplayTrace<S>()
        trace.record("c", out.c)
        trace.record("h", out.h)
        trace.record("dx", grads.dx)
        trace.record("dh0", grads.dh0)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}
