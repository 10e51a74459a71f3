import Layers
public import Tensors

/// `attention.mha_backward`: `out = MHA.forward(Q, K, V, mask)` of boostcamp `mha.ipynb`, then
/// `out['x'].backward(dx)` with a recorded upstream gradient `dx`.
///
/// Config: `d_feat`, `n_head`, `dropout_p`, `train`, `use_bias` (as `attention.mha`).
/// Inputs: `Q (N, n_Q, d_feat)`, `K`, `V (N, n_K, d_feat)`, `dx (N, n_Q, d_feat)`; optional `mask`;
/// `dropout.attention (N, n_head, n_Q, n_K)` exactly when `train` and `dropout_p > 0`.
/// Params: `lin_Q.*`, `lin_K.*`, `lin_V.*`, `lin_O.*`.
/// Outputs, in order: `x`, `grad.lin_O.weight`, `grad.lin_O.bias`, `grad.x_raw`, `grad.V_split`, `grad.attention`,
/// `grad.scores`, `grad.Q_split`, `grad.K_split`, `grad.lin_V.*`, `grad.lin_K.*`, `grad.lin_Q.*` (no `.bias` without
/// `use_bias`), `grad.Q`, `grad.K`, `grad.V`.
public enum MultiHeadedAttentionBackwardReplay: Replay {
    public static let name = "attention.mha_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let dropoutP = try config.double("dropout_p")
        let train = try config.bool("train")
        var parameters = input.parameters
        let model = try MultiHeadedAttention<S>(
            dFeat: try config.int("d_feat"), nHead: try config.int("n_head"),
            useBias: try config.bool("use_bias", default: true), dropoutP: S(dropoutP), parameters: &parameters)
        try parameters.finish()
        let dropoutMask = try input.dropoutMask("dropout.attention", on: train && dropoutP > 0)
        let mask = input.has("mask") ? try input.mask("mask") : nil
        let (q, k, v) = (try input.tensor("Q"), try input.tensor("K"), try input.tensor("V"))
        let forward = try model(q, k, v, mask: mask, dropoutMask: dropoutMask)
        let grads = try model.backward(
            try input.tensor("dx"), trace: forward, q: q, k: k, v: v, mask: mask, dropoutMask: dropoutMask)
        var trace = ReplayTrace<S>()
        trace.record("x", forward.x)
        for (name, tensor) in grads.named { trace.record("grad.\(name)", tensor) }
        return trace
    }
}
