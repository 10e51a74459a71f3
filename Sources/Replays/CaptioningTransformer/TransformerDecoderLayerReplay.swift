import Layers
public import Tensors

/// `captioning_transformer.decoder_layer`: cs231n `TransformerDecoderLayer(input_dim, num_heads,
/// dim_feedforward, dropout=p)` called as `layer(tgt, memory, tgt_mask=)`.
///
/// Config: `input_dim`, `num_heads`, `dim_feedforward`, `p`, `train`. Inputs: `tgt (N, T, W)`, `memory (N, M, W)`,
/// optional `tgt_mask (T, T)` bool; when training `dropout.self_attn.attention`, `dropout.dropout1`,
/// `dropout.multihead_attn.attention`, `dropout.dropout2`, `dropout.ffn`, `dropout.dropout3`. Params:
/// `self_attn.*`, `multihead_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`, `norm3.*`. Outputs:
/// `self_attn.<attention outputs>`, `add1`, `norm1`, `multihead_attn.<attention outputs>`, `add2`, `norm2`,
/// `linear1`, `relu`, `linear2`, `add3`, `norm3`.
public enum TransformerDecoderLayerReplay: Replay {
    public static let name = "captioning_transformer.decoder_layer"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let layer = try TransformerDecoderLayer<S>(
            inputDim: try config.int("input_dim"), numHeads: try config.int("num_heads"),
            dimFeedforward: try config.int("dim_feedforward"), p: try config.double("p"),
            parameters: &parameters, prefix: "")
        try parameters.finish()
        let out = try layer(
            try input.tensor("tgt"), memory: try input.tensor("memory"),
            tgtMask: input.has("tgt_mask") ? try input.mask("tgt_mask") : nil,
            masks: try input.captioningDecoderMasks(prefix: "", train: try config.bool("train") && config.double("p") > 0))
        var trace = ReplayTrace<S>()
        trace.recordCaptioningDecoderLayer(out, full: true)
        return trace
    }
}
