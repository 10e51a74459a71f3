/// Replays of the boostcamp Vision Transformer assignment (NOTEBOOKS.md section 3).
public enum VisionTransformerReplays {
    public static let all: [any Replay.Type] = [VisionTransformerModelReplay.self, VisionTransformerTrainReplay.self]
}
