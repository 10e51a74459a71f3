import Layers
public import Tensors

/// `captioning_transformer.multihead_attention`: cs231n `MultiHeadAttention(embed_dim, num_heads, dropout=p)`
/// called as `attn(query=, key=, value=, attn_mask=)`.
///
/// Config: `embed_dim`, `num_heads`, `p`, `train`. Inputs: `query (N, S, E)`, `key`, `value (N, T, E)`, optional
/// `attn_mask (S, T)` bool (0 = blocked); `dropout.attention (N, H, S, T)` when training. Params: `key.*`,
/// `query.*`, `value.*`, `proj.*`. Outputs: `q`, `k`, `v (N, H, *, E/H)`, `scores`, `masked_scores` (with a
/// mask), `attention`, `attention_dropped` (training), `merged (N, S, E)`, `output (N, S, E)`.
public enum CaptioningMultiHeadAttentionReplay: Replay {
    public static let name = "captioning_transformer.multihead_attention"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let attention = try CaptioningMultiHeadAttention<S>(
            embedDim: try config.int("embed_dim"), numHeads: try config.int("num_heads"), p: try config.double("p"),
            parameters: &parameters, prefix: "")
        try parameters.finish()
        let out = try attention(
            query: try input.tensor("query"), key: try input.tensor("key"), value: try input.tensor("value"),
            attnMask: input.has("attn_mask") ? try input.mask("attn_mask") : nil,
            dropoutMask: try input.captioningDropoutMask("attention", train: try config.bool("train") && config.double("p") > 0))
        var trace = ReplayTrace<S>()
        trace.recordCaptioningAttention(out)
        return trace
    }
}
