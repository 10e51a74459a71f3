import Layers
public import Tensors

/// `cs231n.temporal_affine`: `temporal_affine_forward(x, w, b)` (the "Temporal affine layer" cell's forward).
///
/// Config: `input_dim` (D), `output_dim` (M). Inputs: `x (N, T, D)`. Params: `w (D, M)`, `b (M)`. Outputs: `out (N, T, M)`.
public enum CS231nTemporalAffineReplay: Replay {
    public static let name = "cs231n.temporal_affine"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let affine = try CS231nTemporalAffine<S>(
            inputDim: try config.int("input_dim"), outputDim: try config.int("output_dim"), parameters: &parameters)
        try parameters.finish()
        var trace = ReplayTrace<S>()
        trace.record("out", try affine(try input.tensor("x")))
        return trace
    }
}
