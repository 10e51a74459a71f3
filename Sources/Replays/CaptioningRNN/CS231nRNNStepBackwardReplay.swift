import Layers
public import Tensors

/// `cs231n.rnn_step_backward`: `rnn_step_forward` then `rnn_step_backward(dnext_h, cache)`
/// ("Vanilla RNN: step backward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, D)`, `prev_h (N, H)`, `dnext_h (N, H)`.
/// Params: `Wx (D, H)`, `Wh (H, H)`, `b (H)`. Outputs: `next_h`, `da (N, H)`, `dx (N, D)`, `dprev_h (N, H)`,
/// `dWx (D, H)`, `dWh (H, H)`, `db (H)`.
public enum CS231nRNNStepBackwardReplay: Replay {
    public static let name = "cs231n.rnn_step_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let cell = try CS231nRNNCell<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.tensor("x")
        let prevH = try input.tensor("prev_h")
        let nextH = try cell(x, prevH: prevH)
        let grads = try cell.backward(try input.tensor("dnext_h"), x: x, prevH: prevH, nextH: nextH)
        var trace = ReplayTrace<S>()
        trace.record("next_h", nextH)
        trace.record("da", grads.da)
        trace.record("dx", grads.dx)
        trace.record("dprev_h", grads.dprevH)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}
