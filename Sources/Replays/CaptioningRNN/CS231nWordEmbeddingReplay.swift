import Layers
public import Tensors

/// `cs231n.word_embedding`: `word_embedding_forward(x, W)` = `W[x]` ("Word embedding: forward" cell).
///
/// Config: `vocab_size` (V), `wordvec_dim` (D). Inputs: `x (N, T)` int64. Params: `W (V, D)`. Outputs: `out (N, T, D)`.
public enum CS231nWordEmbeddingReplay: Replay {
    public static let name = "cs231n.word_embedding"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let embedding = try CS231nWordEmbedding<S>(
            vocabSize: try config.int("vocab_size"), wordvecDim: try config.int("wordvec_dim"), parameters: &parameters)
        try parameters.finish()
        var trace = ReplayTrace<S>()
        trace.record("out", try embedding(try input.indices("x")))
        return trace
    }
}
