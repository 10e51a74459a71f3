import Layers
public import Tensors

/// `cs231n.temporal_affine_backward`: `temporal_affine_forward` then `temporal_affine_backward(dout, cache)`
/// ("Temporal affine layer" gradient-check cell).
///
/// Config: `input_dim` (D), `output_dim` (M). Inputs: `x (N, T, D)`, `dout (N, T, M)`. Params: `w (D, M)`, `b (M)`.
/// Outputs: `out (N, T, M)`, `dx (N, T, D)`, `dw (D, M)`, `db (M)`.
public enum CS231nTemporalAffineBackwardReplay: Replay {
    public static let name = "cs231n.temporal_affine_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let affine = try CS231nTemporalAffine<S>(
            inputDim: try config.int("input_dim"), outputDim: try config.int("output_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.tensor("x")
        let grads = try affine.backward(try input.tensor("dout"), x: x)
        var trace = ReplayTrace<S>()
        trace.record("out", try affine(x))
        trace.record("dx", grads.dx)
        trace.record("dw", grads.dw)
        trace.record("db", grads.db)
        return trace
    }
}
