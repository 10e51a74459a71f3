import Layers
public import Tensors

/// `attention.mha`: the notebook's `MultiHeadedAttention.forward(Q, K, V, mask)`, every intermediate it returns.
///
/// Config: `d_feat`, `n_head`, `dropout_p`, `train`, optional `use_bias` (default true, the notebook's `USE_BIAS`).
/// Inputs: `Q (N, n_Q, d_feat)`, `K`, `V (N, n_K, d_feat)`; optional `mask` (bool or uint8, broadcasting to
/// `(N, n_head, n_Q, n_K)`, 0 = blocked); `dropout.attention (N, n_head, n_Q, n_K)`, the mask PyTorch drew, present
/// exactly when `train` is true and `dropout_p > 0`. Params: `lin_Q.*`, `lin_K.*`, `lin_V.*`, `lin_O.*`.
/// Outputs: `Q_feat`, `K_feat`, `V_feat`, `Q_split`, `K_split`, `V_split`, `scores`, `attention`, `x_raw`, `x_rsh1`,
/// `x_rsh2`, `x`.
public enum MultiHeadedAttentionReplay: Replay {
    public static let name = "attention.mha"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let dropoutP = try config.double("dropout_p")
        let train = try config.bool("train")
        var parameters = input.parameters
        let model = try MultiHeadedAttention<S>(
            dFeat: try config.int("d_feat"), nHead: try config.int("n_head"),
            useBias: try config.bool("use_bias", default: true), dropoutP: S(dropoutP), parameters: &parameters)
        try parameters.finish()

        let dropoutMask: Tensor<Bool>?
        switch (train && dropoutP > 0, input.has("dropout.attention")) {
        case (true, true): dropoutMask = try input.mask("dropout.attention")
        case (false, false): dropoutMask = nil
        case (true, false):
            throw ReplayError("train is true with dropout_p \(dropoutP), but the case records no 'dropout.attention' mask")
        case (false, true):
            throw ReplayError("the case records 'dropout.attention' but dropout is off (train \(train), dropout_p \(dropoutP))")
        }
        let mask = input.has("mask") ? try input.mask("mask") : nil
        let out = try model(
            try input.tensor("Q"), try input.tensor("K"), try input.tensor("V"), mask: mask, dropoutMask: dropoutMask)
        var trace = ReplayTrace<S>()
        for (name, tensor) in out.named { trace.record(name, tensor) }
        return trace
    }
}
