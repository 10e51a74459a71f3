public import Tensors
import RealModule

/// Multi-head self-attention of the ViT assignment (`multi_head_attention(emb_dim, num_heads, dropout_ratio)`):
///
///     Q, K, V = query(x), key(x), value(x)                  split into H heads of d = E / H
///     attention = att_drop(softmax(Q K^T * (E // H)^-0.5))  per head; returned AFTER the dropout
///     out = linear(merge_heads(attention V))
///
/// The scale is the per-head one, `(emb_dim // num_heads) ** -0.5`. Heads take contiguous slices of the E features
/// (`'b q (h d) -> b h q d'`).
/// Shapes: `x: (N, T, E) -> out: (N, T, E)`, `attention: (N, H, T, T)`; optional dropout `mask: (N, H, T, T)`.
/// Parameters: `value.*`, `key.*`, `query.*`, `linear.*`, each `weight: (E, E)`, `bias: (E)`.
/// Matches `multi_head_attention` of the boostcamp ViT assignment (NOTEBOOKS.md section 3).
public struct ViTMultiHeadAttention<S: TensorScalar>: Sendable {
    public let value: Linear<S>
    public let key: Linear<S>
    public let query: Linear<S>
    public let linear: Linear<S>
    public let headCount: Int
    public let dropout: Dropout<S>

    public var embeddingSize: Int { query.outFeatures }
    /// `(emb_dim // num_heads) ** -0.5`, computed in double as Python does, then rounded to `S` as PyTorch does.
    public var scaling: S { S(Double.pow(Double(embeddingSize / headCount), -0.5)) }

    /// Loads `{prefix}value.*`, `key.*`, `query.*`, `linear.*`.
    public init(
        embeddingSize: Int, headCount: Int, dropoutRatio: S, parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        precondition(headCount > 0 && embeddingSize % headCount == 0, "\(embeddingSize) features in \(headCount) heads")
        value = try Linear(inFeatures: embeddingSize, outFeatures: embeddingSize, parameters: &parameters, prefix: prefix + "value.")
        key = try Linear(inFeatures: embeddingSize, outFeatures: embeddingSize, parameters: &parameters, prefix: prefix + "key.")
        query = try Linear(inFeatures: embeddingSize, outFeatures: embeddingSize, parameters: &parameters, prefix: prefix + "query.")
        linear = try Linear(inFeatures: embeddingSize, outFeatures: embeddingSize, parameters: &parameters, prefix: prefix + "linear.")
        self.headCount = headCount
        dropout = Dropout(p: dropoutRatio)
    }

    public var parameterCount: Int {
        value.parameterCount + key.parameterCount + query.parameterCount + linear.parameterCount
    }

    /// `(N, T, H*d) -> (N, H, T, d)`.
    func splitHeads(_ t: Tensor<S>) -> Tensor<S> {
        let (n, length) = (t.shape[0], t.shape[1])
        return t.reshaped([n, length, headCount, embeddingSize / headCount]).permuted([0, 2, 1, 3])
    }

    /// Returns `(out, attention)`; `mask` is the recorded `att_drop` mask (nil in eval mode).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        _ x: Tensor<S>, dropoutMask mask: Tensor<Bool>? = nil
    ) throws(LayerError) -> (out: Tensor<S>, attention: Tensor<S>) {
        try LayerError.check("ViTMultiHeadAttention", "input x", x, is: [-1, -1, embeddingSize])
        // Heads are read in place from the (N, T, E) projections (see HeadProducts.swift): Q @ rearrange(K,
        // 'b k (h d) -> b h d k') is Q K^T per head, and the context is written merged, 'b h q d -> b q (h d)'.
        let q = try query(x)
        let k = try key(x)
        let v = try value(x)
        let scores = headScores(q, k, heads: headCount) * scaling
        let attention = try dropout(scores.softmaxLastAxis(), mask: mask)
        let context = headContext(attention, v, heads: headCount)
        return (try linear(context), attention)
    }
}
