import Layers
public import Tensors

/// `cs231n.lstm`: `lstm_forward(x, h0, Wx, Wh, b)` with c0 = 0 ("LSTM: forward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, T, D)`, `h0 (N, H)`. Params: `Wx (D, 4H)`, `Wh (H, 4H)`,
/// `b (4H)`. Outputs: `c (N, T, H)` (the cell states the cache keeps), `h (N, T, H)`.
public enum CS231nLSTMReplay: Replay {
    public static let name = "cs231n.lstm"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let lstm = try CS231nLSTM<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let out = try lstm(try input.tensor("x"), h0: try input.tensor("h0"))
        var trace = ReplayTrace<S>()
        trace.record("c", out.c)
        trace.record("h", out.h)
        return trace
    }
}
