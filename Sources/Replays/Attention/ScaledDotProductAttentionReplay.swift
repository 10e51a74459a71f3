import Layers
public import Tensors

/// `attention.sdpa`: the notebook's `ScaledDotProductAttention.forward(Q, K, V, mask)`, on 3-D or 4-D inputs.
///
/// Config: none. Inputs: `Q (*, n_Q, d_K)`, `K (*, n_K, d_K)`, `V (*, n_K, d_V)`, optional `mask` (bool or uint8,
/// broadcasting to `(*, n_Q, n_K)`, 0 = blocked). Params: none. Outputs: `scores`, `attention (*, n_Q, n_K)`,
/// `out (*, n_Q, d_V)`.
public enum ScaledDotProductAttentionReplay: Replay {
    public static let name = "attention.sdpa"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        try input.parameters.finish()  // the module has no parameters: a recorded one is an error
        let mask = input.has("mask") ? try input.mask("mask") : nil
        let out = try ScaledDotProductAttention<S>()(
            try input.tensor("Q"), try input.tensor("K"), try input.tensor("V"), mask: mask)
        var trace = ReplayTrace<S>()
        trace.record("scores", out.scores)
        trace.record("attention", out.attention)
        trace.record("out", out.out)
        return trace
    }
}
