/// Replays of boostcamp `mha.ipynb` (NOTEBOOKS.md section 2; docs/replays/attention.md).
public enum AttentionReplays {
    public static let all: [any Replay.Type] = [
        ScaledDotProductAttentionReplay.self, MultiHeadedAttentionReplay.self, MultiHeadedAttentionBackwardReplay.self,
    ]
}
