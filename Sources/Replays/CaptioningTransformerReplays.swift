import Layers
public import Tensors

/// Replays of cs231n 2022 assignment 3 `transformer_layers.py` and `CaptioningTransformer` (NOTEBOOKS.md section 5;
/// docs/replays/captioning_transformer.md).
public enum CaptioningTransformerReplays {
    public static let all: [any Replay.Type] = [
        PositionalEncodingReplay.self, CaptioningMultiHeadAttentionReplay.self, TransformerDecoderLayerReplay.self,
        CaptioningTransformerReplay.self,
    ]
}

/// `captioning_transformer.positional_encoding`: `PositionalEncoding(embed_dim, dropout=p, max_len)` on `x`.
public enum PositionalEncodingReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "captioning_transformer.positional_encoding",
        summary: "`PositionalEncoding(embed_dim, dropout=p, max_len)` on `x`; `pe` is the table rebuilt from the formula in Swift, compared with the buffer's first S rows.",
        config: [.int("embed_dim", "even"), .int("max_len"), .number("p"), .bool("train"), .string("pe_dtype", ["float32", "float64"], default: "float32", "the dtype the `pe` table was built in (the assignment's: float32)")],
        inputs: ["x (N, S, D)", "dropout.positional_encoding (N, S, D) when train"],
        parameters: ["pe (1, max_len, D)"],
        outputs: ["pe (1, S, D)", "x_plus_pe", "output"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let embedDim = try input.config.int("embed_dim")
        let train = try input.config.bool("train") && input.config.double("p") > 0  // dropout on: masks recorded
        let encoding = try PositionalEncoding<S>(
            embedDim: embedDim, maxLen: try input.config.int("max_len"), p: try input.config.double("p"),
            parameters: &input.parameters, prefix: "")
        let x = try input.tensor("x")
        let (sum, output) = try encoding(x, mask: try input.captioningDropoutMask("positional_encoding", train: train))
        var trace = ReplayTrace<S>()
        let length = x.shape[1]
        let table: Tensor<S> = switch try input.config.string("pe_dtype") {
        case "float64": PositionalEncoding<S>.table(embedDim: embedDim, length: length, builtIn: Double.self)
        default: PositionalEncoding<S>.table(embedDim: embedDim, length: length, builtIn: Float.self)   // declared: float32
        }
        trace.record("pe", table)
        trace.record("x_plus_pe", sum)
        trace.record("output", output)
        return trace
    }
}

/// `captioning_transformer.multihead_attention`: cs231n `MultiHeadAttention(embed_dim, num_heads, dropout=p)`
/// called as `attn(query=, key=, value=, attn_mask=)`.
public enum CaptioningMultiHeadAttentionReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "captioning_transformer.multihead_attention",
        summary: "cs231n `MultiHeadAttention(embed_dim, num_heads, dropout=p)` called as `attn(query=, key=, value=, attn_mask=)`.",
        config: [.int("embed_dim"), .int("num_heads", "divides embed_dim"), .number("p"), .bool("train")],
        inputs: ["query (N, S, E)", "key (N, T, E)", "value (N, T, E)", "attn_mask (S, T) bool, 0 = blocked, optional", "dropout.attention (N, H, S, T) when train"],
        parameters: ["key.*", "query.*", "value.*", "proj.*"],
        outputs: ["q", "k", "v (N, H, *, E/H)", "scores", "masked_scores (with attn_mask)", "attention", "attention_dropped (when train)", "merged (N, S, E)", "output (N, S, E)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let attention = try CaptioningMultiHeadAttention<S>(
            embedDim: try input.config.int("embed_dim"), numHeads: try input.config.int("num_heads"), p: try input.config.double("p"),
            parameters: &input.parameters, prefix: "")
        let out = try attention(
            query: try input.tensor("query"), key: try input.tensor("key"), value: try input.tensor("value"),
            attnMask: input.has("attn_mask") ? try input.mask("attn_mask") : nil,
            dropoutMask: try input.captioningDropoutMask("attention", train: try input.config.bool("train") && input.config.double("p") > 0))
        var trace = ReplayTrace<S>()
        trace.recordCaptioningAttention(out)
        return trace
    }
}

/// `captioning_transformer.decoder_layer`: cs231n `TransformerDecoderLayer(input_dim, num_heads,
/// dim_feedforward, dropout=p)` called as `layer(tgt, memory, tgt_mask=)`.
public enum TransformerDecoderLayerReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "captioning_transformer.decoder_layer",
        summary: "cs231n `TransformerDecoderLayer(input_dim, num_heads, dim_feedforward, dropout=p)` called as `layer(tgt, memory, tgt_mask=)`.",
        config: [.int("input_dim"), .int("num_heads", "divides input_dim"), .int("dim_feedforward"), .number("p"), .bool("train")],
        inputs: ["tgt (N, T, W)", "memory (N, M, W)", "tgt_mask (T, T) bool optional", "dropout.self_attn.attention, dropout.dropout1, dropout.multihead_attn.attention, dropout.dropout2, dropout.ffn, dropout.dropout3 when train"],
        parameters: ["self_attn.*", "multihead_attn.*", "linear1.*", "linear2.*", "norm1.*", "norm2.*", "norm3.*"],
        outputs: ["self_attn.<attention outputs>", "add1", "norm1", "multihead_attn.<attention outputs>", "add2", "norm2", "linear1", "relu", "linear2", "add3", "norm3"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let layer = try TransformerDecoderLayer<S>(
            inputDim: try input.config.int("input_dim"), numHeads: try input.config.int("num_heads"),
            dimFeedforward: try input.config.int("dim_feedforward"), p: try input.config.double("p"),
            parameters: &input.parameters, prefix: "")
        let out = try layer(
            try input.tensor("tgt"), memory: try input.tensor("memory"),
            tgtMask: input.has("tgt_mask") ? try input.mask("tgt_mask") : nil,
            masks: try input.captioningDecoderMasks(prefix: "", train: try input.config.bool("train") && input.config.double("p") > 0))
        var trace = ReplayTrace<S>()
        trace.recordCaptioningDecoderLayer(out, full: true)
        return trace
    }
}

/// `captioning_transformer.model`: cs231n `CaptioningTransformer.forward(features, captions)`, then, when the case
/// has `captions_out`, `CaptioningSolverTransformer.transformer_temporal_softmax_loss(scores, captions_out,
/// captions_out != NULL)`.
public enum CaptioningTransformerReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "captioning_transformer.model",
        summary: "cs231n `CaptioningTransformer.forward(features, captions)`, then, when the case has `captions_out`, `transformer_temporal_softmax_loss(scores, captions_out, captions_out != NULL)`.",
        config: [.int("vocab_size"), .int("null_idx", min: 0), .int("input_dim"), .int("wordvec_dim"), .int("num_heads", "divides wordvec_dim"), .int("num_layers"), .int("max_length"), .int("dim_feedforward"), .number("p"), .bool("train")],
        inputs: ["features (N, D)", "captions (N, T) int64", "captions_out (N, T) int64 optional", "dropout.positional_encoding when train", "dropout.transformer.layers.{i}.<the decoder layer's six masks> when train"],
        parameters: ["the model's state_dict: visual_projection.*, embedding.*, positional_encoding.pe, transformer.layers.{i}.*, output.*"],
        outputs: ["embedding", "positional_encoding", "memory (N, 1, W)", "transformer.layers.{i}.self_attn.output", "transformer.layers.{i}.add1", "transformer.layers.{i}.norm1", "transformer.layers.{i}.multihead_attn.output", "transformer.layers.{i}.add2", "transformer.layers.{i}.norm2", "transformer.layers.{i}.linear2", "transformer.layers.{i}.add3", "transformer.layers.{i}.norm3 (per layer)", "scores (N, T, V)", "token_loss (N, T) with captions_out", "loss () with captions_out"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let numLayers = try input.config.int("num_layers")
        let model = try CaptioningTransformer<S>(
            vocabularySize: try input.config.int("vocab_size"), inputDim: try input.config.int("input_dim"),
            wordvecDim: try input.config.int("wordvec_dim"), numHeads: try input.config.int("num_heads"), numLayers: numLayers,
            maxLength: try input.config.int("max_length"), dimFeedforward: try input.config.int("dim_feedforward"),
            p: try input.config.double("p"), parameters: &input.parameters)
        let train = try input.config.bool("train") && input.config.double("p") > 0  // dropout on: masks recorded
        let nullIndex = try input.config.int("null_idx")
        var layerMasks: [TransformerDecoderLayer<S>.DropoutMasks] = []
        for i in 0..<numLayers {
            layerMasks.append(try input.captioningDecoderMasks(prefix: "transformer.layers.\(i).", train: train))
        }
        let masks = CaptioningTransformer<S>.DropoutMasks(
            positionalEncoding: try input.captioningDropoutMask("positional_encoding", train: train), layers: layerMasks)
        let out = try model(features: try input.tensor("features"), captions: try input.indices("captions"), masks: masks)
        var trace = ReplayTrace<S>()
        trace.record("embedding", out.embedding)
        trace.record("positional_encoding", out.positionalEncoding)
        trace.record("memory", out.memory)
        for (i, layer) in out.layers.enumerated() {
            trace.recordCaptioningDecoderLayer(layer, prefix: "transformer.layers.\(i).", full: false)
        }
        trace.record("scores", out.scores)
        if input.has("captions_out") {
            let loss = TransformerTemporalSoftmaxLoss(nullIndex: nullIndex)
            let (tokenLoss, total) = try loss(out.scores, try input.indices("captions_out"))
            trace.record("token_loss", tokenLoss)
            trace.record("loss", total)
        }
        return trace
    }
}


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
