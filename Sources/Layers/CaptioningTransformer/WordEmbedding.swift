public import Tensors

/// A lookup table of word vectors (`nn.Embedding(vocab_size, wordvec_dim, padding_idx=NULL)`):
///
///     y[n, t] = weight[captions[n, t]]
///
/// `padding_idx` only zeroes the gradient in PyTorch; the forward pass reads the row like any other (the
/// CaptioningTransformer's `_init_weights` even overwrites the zeroed NULL row with normal noise).
/// Shapes: `captions: (N, T)` int64 in `0..<V` -> `(N, T, W)`; parameter `weight: (V, W)`.
/// Matches `self.embedding` of cs231n `classifiers/transformer.py`.
public struct WordEmbedding<S: TensorScalar>: Sendable {
    public let weight: Tensor<S>

    public var vocabularySize: Int { weight.shape[0] }
    public var dimension: Int { weight.shape[1] }

    public init(vocabularySize: Int, dimension: Int, parameters: inout ParameterStore<S>, prefix: String) throws(ParameterError) {
        weight = try parameters.take(prefix + "weight", shape: [vocabularySize, dimension])
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ indices: Tensor<Int64>) throws(LayerError) -> Tensor<S> {
        var result: [S] = []
        result.reserveCapacity(indices.count * dimension)
        for (position, index) in indices.scalars.enumerated() {
            guard index >= 0, index < vocabularySize else {
                throw LayerError("Embedding", "index \(index) at \(indices.index(ofOffset: position)) is outside 0..<\(vocabularySize)")
            }
            let start = Int(index) * dimension
            result.append(contentsOf: weight.scalars[start..<(start + dimension)])
        }
        return Tensor(shape: indices.shape + [dimension], scalars: result)
    }
}
