/// Every replay the harness knows, by the name a case's `replay` attribute gives.
public enum ReplayCatalog {
    /// Each notebook family contributes its replays here, one line each.
    public static let all: [any Replay.Type] = [
        LSTMReplays.all,
        CaptioningRNNReplays.all,
        VisionTransformerReplays.all,
        AttentionReplays.all,
        AdversarialAutoencoderReplays.all,
        CaptioningTransformerReplays.all,
    ].flatMap { $0 }

    /// The replay called `name`, if any.
    public static func replay(named name: String) -> (any Replay.Type)? {
        all.first { $0.name == name }
    }
}
