import Layers
public import Tensors

/// `cs231n.captioning_sample`: `CaptioningRNN.sample(features, max_length)`, greedy decoding at test time (the
/// "Test-time sampling" cells of RNN_Captioning.ipynb / LSTM_Captioning.ipynb).
///
/// Config: `cell_type`, `input_dim`, `wordvec_dim`, `hidden_dim`, `vocab_size`, `null_index`, `start_index`
/// (`<START>`), `max_length`. Inputs: `features (N, D)`. Params: `W_embed`, `W_proj`, `b_proj`, `Wx`, `Wh`, `b`,
/// `W_vocab`, `b_vocab`. Outputs, in order: `h0 (N, H)`, `h (N, max_length, H)`, `scores (N, max_length, V)`,
/// `captions (N, max_length)`: the chosen word indices, stored in the case's floating dtype (exact small integers)
/// because outputs are compared as floating tensors.
public enum CaptioningSampleReplay: Replay {
    public static let name = "cs231n.captioning_sample"

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
        let out = try model.sample(
            features: try input.tensor("features"), startIndex: try config.int("start_index"),
            maxLength: try config.int("max_length"))
        var trace = ReplayTrace<S>()
        trace.record("h0", out.h0)
        trace.record("h", out.h)
        trace.record("scores", out.scores)
        trace.record("captions", out.captions.map { S(Int($0)) })
        return trace
    }
}
