/// Every replay the harness knows, by the name a case's `replay` attribute gives.
public enum ReplayCatalog {
    /// Each notebook contributes its replays here, in one line.
    public static let all: [any Replay.Type] = LSTMReplays.all + CaptioningTransformerReplays.all

    /// The replay called `name`, if any.
    public static func replay(named name: String) -> (any Replay.Type)? {
        all.first { $0.name == name }
    }
}
