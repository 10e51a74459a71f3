import Layers
public import Tensors

/// Replays of boostcamp `mha.ipynb` (NOTEBOOKS.md section 2; docs/replays/attention.md).
public enum AttentionReplays {
    public static let all: [any Replay.Type] = [
        ScaledDotProductAttentionReplay.self, MultiHeadedAttentionReplay.self, MultiHeadedAttentionBackwardReplay.self,
    ]
}

/// `attention.sdpa`: the notebook's `ScaledDotProductAttention.forward(Q, K, V, mask)`, on 3-D or 4-D inputs:
/// `softmax(Q K^T / sqrt(d_K), masked) V`, `Q (*, n_Q, d_K) -> out (*, n_Q, d_V)`.
public enum ScaledDotProductAttentionReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "attention.sdpa",
        summary: "The notebook's `ScaledDotProductAttention.forward(Q, K, V, mask)`, on 3-D or 4-D inputs.",
        config: [],
        inputs: ["Q (*, n_Q, d_K)", "K (*, n_K, d_K)", "V (*, n_K, d_V)",
                 "mask (bool or uint8, broadcasting to (*, n_Q, n_K), 0 = blocked) optional"],
        parameters: [],
        outputs: ["scores (*, n_Q, n_K)", "attention (*, n_Q, n_K)", "out (*, n_Q, d_V)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let out = try ScaledDotProductAttention<S>()(
            try input.tensor("Q"), try input.tensor("K"), try input.tensor("V"), mask: try input.optionalMask("mask"))
        var trace = ReplayTrace<S>()
        trace.record("scores", out.scores)
        trace.record("attention", out.attention)
        trace.record("out", out.out)
        return trace
    }
}

/// `attention.mha`: the notebook's `MultiHeadedAttention.forward(Q, K, V, mask)`, every intermediate it returns,
/// `Q (N, n_Q, d_feat) -> x (N, n_Q, d_feat)`.
public enum MultiHeadedAttentionReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "attention.mha",
        summary: "The notebook's `MultiHeadedAttention.forward(Q, K, V, mask)`, every intermediate it returns.",
        config: [
            .int("d_feat"), .int("n_head", "divides d_feat"), .number("dropout_p"), .bool("train"),
            .bool("use_bias", default: true, "the notebook's `USE_BIAS`"),
        ],
        inputs: ["Q (N, n_Q, d_feat)", "K (N, n_K, d_feat)", "V (N, n_K, d_feat)",
                 "mask (bool or uint8, broadcasting to (N, n_head, n_Q, n_K), 0 = blocked) optional",
                 "dropout.attention (N, n_head, n_Q, n_K) exactly when train and dropout_p > 0"],
        parameters: ["lin_Q.*", "lin_K.*", "lin_V.*", "lin_O.*"],
        outputs: ["Q_feat", "K_feat", "V_feat", "Q_split", "K_split", "V_split", "scores", "attention", "x_raw",
                  "x_rsh1", "x_rsh2", "x"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let dropoutP = try input.config.double("dropout_p")
        let train = try input.config.bool("train")
        let model = try MultiHeadedAttention<S>(
            dFeat: try input.config.int("d_feat"), nHead: try input.config.int("n_head"),
            useBias: try input.config.bool("use_bias"), dropoutP: S(dropoutP), parameters: &input.parameters)
        let dropoutMask: Tensor<Bool>?
        switch (train && dropoutP > 0, input.has("dropout.attention")) {
        case (true, true): dropoutMask = try input.mask("dropout.attention")
        case (false, false): dropoutMask = nil
        case (true, false):
            throw ReplayError("train is true with dropout_p \(dropoutP), but the case records no 'dropout.attention' mask", kind: "input")
        case (false, true):
            throw ReplayError("the case records 'dropout.attention' but dropout is off (train \(train), dropout_p \(dropoutP))", kind: "input")
        }
        let out = try model(
            try input.tensor("Q"), try input.tensor("K"), try input.tensor("V"), mask: try input.optionalMask("mask"),
            dropoutMask: dropoutMask)
        var trace = ReplayTrace<S>()
        for (name, tensor) in out.named { trace.record(name, tensor) }
        return trace
    }
}

/// `attention.mha_backward`: `out = MHA.forward(Q, K, V, mask)` of the notebook, then `out['x'].backward(dx)` with a
/// recorded upstream gradient `dx`; the gradients autograd gives, in the order backpropagation reaches them.
public enum MultiHeadedAttentionBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "attention.mha_backward",
        summary: "The notebook's `MultiHeadedAttention.forward(Q, K, V, mask)`, then `out['x'].backward(dx)` from a recorded upstream gradient.",
        config: [
            .int("d_feat"), .int("n_head", "divides d_feat"), .number("dropout_p"), .bool("train"),
            .bool("use_bias", default: true, "the notebook's `USE_BIAS`"),
        ],
        inputs: ["Q (N, n_Q, d_feat)", "K (N, n_K, d_feat)", "V (N, n_K, d_feat)", "dx (N, n_Q, d_feat)",
                 "mask (bool or uint8, broadcasting to (N, n_head, n_Q, n_K), 0 = blocked) optional",
                 "dropout.attention (N, n_head, n_Q, n_K) exactly when train and dropout_p > 0"],
        parameters: ["lin_Q.*", "lin_K.*", "lin_V.*", "lin_O.*"],
        outputs: ["x", "grad.lin_O.weight", "grad.lin_O.bias", "grad.x_raw", "grad.V_split", "grad.attention",
                  "grad.scores", "grad.Q_split", "grad.K_split", "grad.lin_V.* (no .bias without use_bias)",
                  "grad.lin_K.*", "grad.lin_Q.*", "grad.Q", "grad.K", "grad.V"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let dropoutP = try input.config.double("dropout_p")
        let train = try input.config.bool("train")
        let model = try MultiHeadedAttention<S>(
            dFeat: try input.config.int("d_feat"), nHead: try input.config.int("n_head"),
            useBias: try input.config.bool("use_bias"), dropoutP: S(dropoutP), parameters: &input.parameters)
        let dropoutMask = try input.dropoutMask("dropout.attention", on: train && dropoutP > 0)
        let mask = try input.optionalMask("mask")
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
