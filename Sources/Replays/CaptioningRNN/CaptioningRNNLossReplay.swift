import Layers
public import Tensors

/// `cs231n.captioning_rnn_loss`: `CaptioningRNN.loss(features, captions)`, forward and every gradient
/// ("RNN for image captioning" / "LSTM captioning model" / "Check gradients" cells).
///
/// Config: `cell_type` (`rnn` or `lstm`), `input_dim` (D), `wordvec_dim` (W), `hidden_dim` (H), `vocab_size` (V),
/// `null_index`. Inputs: `features (N, D)`, `captions (N, T)` int64. Params: `W_embed`, `W_proj`, `b_proj`, `Wx`, `Wh`,
/// `b`, `W_vocab`, `b_vocab`. Outputs: `h0`, `x`, `c` (lstm only), `h`, `scores`, `probs`, `loss`, `dscores`, `dh`,
/// `grads.W_vocab`, `grads.b_vocab`, `dx`, `dh0`, `grads.Wx`, `grads.Wh`, `grads.b`, `grads.W_embed`, `grads.W_proj`,
/// `grads.b_proj`.
public enum CaptioningRNNLossReplay: Replay {
    public static let name = "cs231n.captioning_rnn_loss"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let cellName = try config.string("cell_type")
        guard let cellType = CaptioningRNN<S>.CellType(rawValue: cellName) else {
            throw ReplayError("config 'cell_type' is '\(cellName)', expected 'rnn' or 'lstm'")
        }
        var parameters = input.parameters
        let model = try CaptioningRNN<S>(
            cellType: cellType, inputDim: try config.int("input_dim"), wordvecDim: try config.int("wordvec_dim"),
            hiddenDim: try config.int("hidden_dim"), vocabSize: try config.int("vocab_size"),
            nullIndex: try config.int("null_index"), parameters: &parameters)
        try parameters.finish()
        let out = try model.loss(features: try input.tensor("features"), captions: try input.indices("captions"))
        var trace = ReplayTrace<S>()
        trace.record("h0", out.h0)
        trace.record("x", out.x)
        if let c = out.c { trace.record("c", c) }
        trace.record("h", out.h)
        trace.record("scores", out.scores)
        trace.record("probs", out.probs)
        trace.record("loss", out.loss)
        trace.record("dscores", out.dscores)
        trace.record("dh", out.dh)
        trace.record("grads.W_vocab", out.grads["W_vocab"]!)
        trace.record("grads.b_vocab", out.grads["b_vocab"]!)
        trace.record("dx", out.dx)
        trace.record("dh0", out.dh0)
        for key in ["Wx", "Wh", "b", "W_embed", "W_proj", "b_proj"] {
            trace.record("grads.\(key)", out.grads[key]!)
        }
        return trace
    }
}
