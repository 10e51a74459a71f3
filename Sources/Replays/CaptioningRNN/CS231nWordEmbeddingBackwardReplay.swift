import Layers
public import Tensors

/// `cs231n.word_embedding_backward`: `word_embedding_forward` then `word_embedding_backward(dout, cache)`
/// (`np.add.at`; "Word embedding: backward" cell).
///
/// Config: `vocab_size` (V), `wordvec_dim` (D). Inputs: `x (N, T)` int64, `dout (N, T, D)`. Params: `W (V, D)`.
/// Outputs: `out (N, T, D)`, `dW (V, D)`.
public enum CS231nWordEmbeddingBackwardReplay: Replay {
    public static let name = "cs231n.word_embedding_backward"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let embedding = try CS231nWordEmbedding<S>(
            vocabSize: try config.int("vocab_size"), wordvecDim: try config.int("wordvec_dim"), parameters: &parameters)
        try parameters.finish()
        let x = try input.indices("x")
        var trace = ReplayTrace<S>()
        trace.record("out", try embedding(x))
        trace.record("dW", try embedding.backward(try input.tensor("dout"), x: x))
        return trace
    }
}
