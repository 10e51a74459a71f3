import Layers
public import Tensors

/// `cs231n.rnn_step`: `rnn_step_forward(x, prev_h, Wx, Wh, b)` ("Vanilla RNN: step forward" cell).
///
/// Config: `input_dim` (D), `hidden_dim` (H). Inputs: `x (N, D)`, `prev_h (N, H)`. Params: `Wx (D, H)`, `Wh (H, H)`,
/// `b (H)`. Outputs: `next_h (N, H)`.
public enum CS231nRNNStepReplay: Replay {
    public static let name = "cs231n.rnn_step"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let cell = try CS231nRNNCell<S>(
            inputDim: try config.int("input_dim"), hiddenDim: try config.int("hidden_dim"), parameters: &parameters)
        try parameters.finish()
        var trace = ReplayTrace<S>()
        trace.record("next_h", try cell(try input.tensor("x"), prevH: try input.tensor("prev_h")))
        return trace
    }
}
