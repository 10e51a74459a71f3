import Layers
public import Tensors

/// `cs231n.lstm_step`: `lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)`, gates split i, f, o, g
/// ("LSTM: step forward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, D)`, `prev_h (N, H)`, `prev_c (N, H)`.
/// Params: `Wx (D, 4H)`, `Wh (H, 4H)`, `b (4H)`. Outputs: `a (N, 4H)`, `i`, `f`, `o`, `g`, `next_c`, `next_h` (N, H).
public enum CS231nLSTMStepReplay: Replay {
    public static let name = "cs231n.lstm_step"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let cell = try CS231nLSTMCell<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        let step = try cell(try input.tensor("x"), prevH: try input.tensor("prev_h"), prevC: try input.tensor("prev_c"))
        var trace = ReplayTrace<S>()
        record(step, into: &trace)
        return trace
    }

    /// Records a step's `a`, `i`, `f`, `o`, `g`, `next_c`, `next_h`.
    static func record<S: TensorScalar>(_ step: CS231nLSTMCell<S>.Step, into trace: inout ReplayTrace<S>) {
        trace.record("a", step.a)
        trace.record("i", step.i)
        trace.record("f", step.f)
        trace.record("o", step.o)
        trace.record("g", step.g)
        trace.record("next_c", step.nextC)
        trace.record("next_h", step.nextH)
    }
}
