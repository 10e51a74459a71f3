/// Replays of boostcamp `lstm.ipynb` (NOTEBOOKS.md section 1).
public enum LSTMReplays {
    public static let all: [any Replay.Type] = [LSTMSequenceReplay.self, LSTMClassifierReplay.self, LSTMTrainReplay.self]
}
