import Layers
public import Tensors

/// `captioning_transformer.model`: cs231n `CaptioningTransformer.forward(features, captions)`, then, when the case
/// has `captions_out`, `CaptioningSolverTransformer.transformer_temporal_softmax_loss(scores, captions_out,
/// captions_out != NULL)`.
///
/// Config: `vocab_size`, `null_idx`, `input_dim`, `wordvec_dim`, `num_heads`, `num_layers`, `max_length`,
/// `dim_feedforward`, `p`, `train`. Inputs: `features (N, D)`, `captions (N, T)` int64, optional
/// `captions_out (N, T)` int64; when training `dropout.positional_encoding` and, per layer i,
/// `dropout.transformer.layers.{i}.` + the decoder layer's six mask names. Params: the model's `state_dict`.
/// Outputs: `embedding`, `positional_encoding`, `memory (N, 1, W)`, per layer `transformer.layers.{i}.` +
/// `self_attn.output`, `add1`, `norm1`, `multihead_attn.output`, `add2`, `norm2`, `linear2`, `add3`, `norm3`; then
/// `scores (N, T, V)`, and `token_loss (N, T)`, `loss ()` with `captions_out`.
public enum CaptioningTransformerReplay: Replay {
    public static let name = "captioning_transformer.model"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let numLayers = try config.int("num_layers")
        let model = try CaptioningTransformer<S>(
            vocabularySize: try config.int("vocab_size"), inputDim: try config.int("input_dim"),
            wordvecDim: try config.int("wordvec_dim"), numHeads: try config.int("num_heads"), numLayers: numLayers,
            maxLength: try config.int("max_length"), dimFeedforward: try config.int("dim_feedforward"),
            p: try config.double("p"), parameters: &parameters)
        try parameters.finish()
        let train = try config.bool("train") && config.double("p") > 0  // dropout on: masks recorded
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
            let loss = TransformerTemporalSoftmaxLoss(nullIndex: try config.int("null_idx"))
            let (tokenLoss, total) = try loss(out.scores, try input.indices("captions_out"))
            trace.record("token_loss", tokenLoss)
            trace.record("loss", total)
        }
        return trace
    }
}
