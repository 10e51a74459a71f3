/// Every replay the harness knows, by the name a case's `replay` attribute gives.
public enum ReplayCatalog {
    /// Each notebook family contributes its replays here, one line each (the family's `all`, in its file).
    public static let families: [(name: String, replays: [any Replay.Type])] = [
        ("lstm", LSTMReplays.all),
        ("captioning_rnn", CaptioningRNNReplays.all),
        ("vision_transformer", VisionTransformerReplays.all),
        ("attention", AttentionReplays.all),
        ("adversarial_autoencoder", AdversarialAutoencoderReplays.all),
        ("captioning_transformer", CaptioningTransformerReplays.all),
    ]

    public static var all: [any Replay.Type] { families.flatMap { $0.replays } }

    /// The replay called `name`, if any.
    public static func replay(named name: String) -> (any Replay.Type)? {
        all.first { $0.name == name }
    }

    /// `replay --describe`: every replay's declaration as markdown, family by family (docs/replays/<family>.md
    /// embeds its family's block between `<!-- describe:begin -->` and `<!-- describe:end -->`).
    public static func describe(family: String) -> String? {
        families.first { $0.name == family }.map { $0.replays.map { $0.declaration.markdown }.joined(separator: "\n\n") }
    }
}
