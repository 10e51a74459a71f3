import Layers
public import Tensors

/// `cs231n.lstm_step_backward`: `lstm_step_forward` then `lstm_step_backward(dnext_h, dnext_c, cache)`
/// ("LSTM: step backward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, D)`, `prev_h`, `prev_c`, `dnext_h`, `dnext_c` (N, H).
/// Params: `Wx (D, 4H)`, `Wh (H, 4H)`, `b (4H)`. Outputs: `a`, `i`, `f`, `o`, `g`, `next_c`, `next_h`, then `dx (N, D)`,
/// `dprev_h`, `dprev_c (N, H)`, `dWx (D, 4H)`, `dWh (H, 4H)`, `db (4H)`.
public enum CS231nLSTMStepBackwardReplay: Replay {
    public static let name = "cs231n.lstm_step_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let cell = try CS231nLSTMCell<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.tensor("x")
        let prevH = try input.tensor("prev_h")
        let prevC = try input.tensor("prev_c")
        let step = try cell(x, prevH: prevH, prevC: prevC)
        let grads = try cell.backward(
            dnextH: try input.tensor("dnext_h"), dnextC: try input.tensor("dnext_c"), x: x, prevH: prevH, prevC: prevC,
            step: step)
        var trace = ReplayTrace<S>()
        CS231nLSTMStepReplay.record(step, into: &trace)
        trace.record("dx", grads.dx)
        trace.record("dprev_h", grads.dprevH)
        trace.record("dprev_c", grads.dprevC)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}
