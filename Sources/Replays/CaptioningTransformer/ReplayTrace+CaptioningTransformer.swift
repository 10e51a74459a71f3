import Layers
import Tensors

extension ReplayTrace {
    /// Records an attention forward pass under `prefix` (`q`, `k`, `v`, `scores`, `masked_scores` when masked,
    /// `attention`, `attention_dropped` in train mode, `merged`, `output`).
    mutating func recordCaptioningAttention(_ trace: CaptioningMultiHeadAttention<S>.Trace, prefix: String = "") {
        record(prefix + "q", trace.q)
        record(prefix + "k", trace.k)
        record(prefix + "v", trace.v)
        record(prefix + "scores", trace.scores)
        if let masked = trace.maskedScores { record(prefix + "masked_scores", masked) }
        record(prefix + "attention", trace.attention)
        if let dropped = trace.attentionDropped { record(prefix + "attention_dropped", dropped) }
        record(prefix + "merged", trace.merged)
        record(prefix + "output", trace.output)
    }

    /// Records a decoder layer's pass under `prefix`: everything when `full`, else only the `(N, T, W)` tensors the
    /// model cases keep (`self_attn.output`, `add1`, `norm1`, `multihead_attn.output`, `add2`, `norm2`, `linear2`,
    /// `add3`, `norm3`).
    mutating func recordCaptioningDecoderLayer(_ trace: TransformerDecoderLayer<S>.Trace, prefix: String = "", full: Bool) {
        if full {
            recordCaptioningAttention(trace.selfAttention, prefix: prefix + "self_attn.")
        } else {
            record(prefix + "self_attn.output", trace.selfAttention.output)
        }
        record(prefix + "add1", trace.add1)
        record(prefix + "norm1", trace.norm1)
        if full {
            recordCaptioningAttention(trace.multiheadAttention, prefix: prefix + "multihead_attn.")
        } else {
            record(prefix + "multihead_attn.output", trace.multiheadAttention.output)
        }
        record(prefix + "add2", trace.add2)
        record(prefix + "norm2", trace.norm2)
        if full {
            record(prefix + "linear1", trace.linear1)
            record(prefix + "relu", trace.relu)
        }
        record(prefix + "linear2", trace.linear2)
        record(prefix + "add3", trace.add3)
        record(prefix + "norm3", trace.norm3)
    }
}

extension ReplayInput {
    /// The recorded mask `dropout.<where>` when dropout is on (`train` with `p > 0`), else nil (`dropoutMask`).
    func captioningDropoutMask(_ name: String, train: Bool) throws(ReplayError) -> Tensor<Bool>? {
        try dropoutMask("dropout." + name, on: train)
    }

    /// The six masks of one decoder layer, named `dropout.<prefix>self_attn.attention`, `...dropout1`,
    /// `...multihead_attn.attention`, `...dropout2`, `...ffn`, `...dropout3`.
    func captioningDecoderMasks(prefix: String, train: Bool) throws(ReplayError) -> TransformerDecoderLayer<S>.DropoutMasks {
        TransformerDecoderLayer<S>.DropoutMasks(
            selfAttention: try captioningDropoutMask(prefix + "self_attn.attention", train: train),
            dropout1: try captioningDropoutMask(prefix + "dropout1", train: train),
            multiheadAttention: try captioningDropoutMask(prefix + "multihead_attn.attention", train: train),
            dropout2: try captioningDropoutMask(prefix + "dropout2", train: train),
            feedForward: try captioningDropoutMask(prefix + "ffn", train: train),
            dropout3: try captioningDropoutMask(prefix + "dropout3", train: train))
    }
}
