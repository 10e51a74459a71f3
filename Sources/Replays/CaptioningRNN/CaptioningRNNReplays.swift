/// Replays of cs231n 2022 assignment 3 `rnn_layers.py` and `CaptioningRNN` (NOTEBOOKS.md section 5, first bullet).
public enum CaptioningRNNReplays {
    public static let all: [any Replay.Type] = [
        CS231nRNNStepReplay.self, CS231nRNNStepBackwardReplay.self,
        CS231nRNNReplay.self, CS231nRNNBackwardReplay.self,
        CS231nLSTMStepReplay.self, CS231nLSTMStepBackwardReplay.self,
        CS231nLSTMReplay.self, CS231nLSTMBackwardReplay.self,
        CS231nWordEmbeddingReplay.self, CS231nWordEmbeddingBackwardReplay.self,
        CS231nTemporalAffineReplay.self, CS231nTemporalAffineBackwardReplay.self,
        CS231nTemporalSoftmaxLossReplay.self, CaptioningRNNLossReplay.self,
        CaptioningSolverReplay.self, CaptioningSampleReplay.self,
    ]
}
