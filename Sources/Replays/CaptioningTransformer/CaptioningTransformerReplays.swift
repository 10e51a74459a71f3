/// Replays of cs231n 2022 assignment 3 `transformer_layers.py` and `classifiers/transformer.py`
/// (NOTEBOOKS.md section 5; docs/replays/captioning_transformer.md).
public enum CaptioningTransformerReplays {
    public static let all: [any Replay.Type] = [
        PositionalEncodingReplay.self, CaptioningMultiHeadAttentionReplay.self, TransformerDecoderLayerReplay.self,
        CaptioningTransformerReplay.self,
    ]
}
