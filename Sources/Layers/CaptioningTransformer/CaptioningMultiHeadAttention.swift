public import Tensors

/// Multi-head scaled dot-product attention of cs231n `transformer_layers.py` (`MultiHeadAttention(embed_dim,
/// num_heads, dropout=0.1)`), with `E` = embed_dim, `H` heads of `E/H`:
///
///     q = query(Q) -> (N, H, S, E/H),  k = key(K), v = value(V) -> (N, H, T, E/H)
///     scores = q @ k^T / sqrt(E/H)                      (N, H, S, T)
///     scores = scores.masked_fill(attn_mask == 0, -inf) when attn_mask (S, T) is given
///     attention = softmax(scores, dim=-1);  dropped = dropout(attention)
///     output = proj((dropped @ v) with heads merged back to (N, S, E))
///
/// A row whose mask is all 0 is all `-inf`, so its softmax is NaN, as in PyTorch.
/// Shapes: `query: (N, S, E)`, `key`, `value: (N, T, E)` -> `(N, S, E)`. Parameters (created in this order):
/// `key.*`, `query.*`, `value.*`, `proj.*`, each `weight: (E, E)`, `bias: (E)`.
public struct CaptioningMultiHeadAttention<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Trace: Sendable {
        public var q: Tensor<S>
        public var k: Tensor<S>
        public var v: Tensor<S>
        /// `(N, H, S, T)`: scaled, before masking.
        public var scores: Tensor<S>
        /// `(N, H, S, T)`: with `-inf` where the mask blocks; nil without a mask.
        public var maskedScores: Tensor<S>?
        public var attention: Tensor<S>
        /// nil in eval mode.
        public var attentionDropped: Tensor<S>?
        /// `(N, S, E)`: heads merged, before `proj`.
        public var merged: Tensor<S>
        public var output: Tensor<S>
    }

    public let key: Linear<S>
    public let query: Linear<S>
    public let value: Linear<S>
    public let proj: Linear<S>
    public let numHeads: Int
    public let attentionDropout: Dropout<S>

    public var embedDim: Int { proj.outFeatures }
    public var headDim: Int { embedDim / numHeads }

    public init(
        embedDim: Int, numHeads: Int, p: Double, parameters: inout ParameterStore<S>, prefix: String
    ) throws {
        guard numHeads > 0, embedDim % numHeads == 0 else {
            throw LayerError("MultiHeadAttention", "embed_dim \(embedDim) is not a multiple of num_heads \(numHeads)")
        }
        key = try Linear(inFeatures: embedDim, outFeatures: embedDim, parameters: &parameters, prefix: prefix + "key.")
        query = try Linear(inFeatures: embedDim, outFeatures: embedDim, parameters: &parameters, prefix: prefix + "query.")
        value = try Linear(inFeatures: embedDim, outFeatures: embedDim, parameters: &parameters, prefix: prefix + "value.")
        proj = try Linear(inFeatures: embedDim, outFeatures: embedDim, parameters: &parameters, prefix: prefix + "proj.")
        self.numHeads = numHeads
        attentionDropout = Dropout(p: p)
    }

    /// `attnMask: (S, T)`, true = may attend; `dropoutMask: (N, H, S, T)` in train mode, nil in eval mode.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        query queryInput: Tensor<S>, key keyInput: Tensor<S>, value valueInput: Tensor<S>,
        attnMask: Tensor<Bool>? = nil, dropoutMask: Tensor<Bool>? = nil
    ) throws(LayerError) -> Trace {
        let e = embedDim
        try LayerError.check("MultiHeadAttention", "query", queryInput, is: [-1, -1, e])
        let (n, s) = (queryInput.shape[0], queryInput.shape[1])
        try LayerError.check("MultiHeadAttention", "key", keyInput, is: [n, -1, e])
        let t = keyInput.shape[1]
        try LayerError.check("MultiHeadAttention", "value", valueInput, is: [n, t, e])
        if let attnMask { try LayerError.check("MultiHeadAttention", "attn_mask", attnMask, is: [s, t]) }

        let qFeat = try query(queryInput)
        let kFeat = try key(keyInput)
        let vFeat = try value(valueInput)
        let q = splitHeads(qFeat, n: n, length: s)
        let k = splitHeads(kFeat, n: n, length: t)
        let v = splitHeads(vFeat, n: n, length: t)
        // The scale is sqrt(E/H) (per head), as the Python double math.sqrt(E / H) rounded to S. The products read the
        // heads in place from the (N, L, E) projections (HeadProducts.swift): q @ k^T per head.
        let scale = S(Double(e / numHeads).squareRoot())
        let scores = headScores(qFeat, kFeat, heads: numHeads) / scale
        var masked: Tensor<S>? = nil
        if let attnMask {
            masked = scores.filled(-S.infinity, whereNot: attnMask)
        }
        let attention = (masked ?? scores).softmaxLastAxis()
        let dropped = try attentionDropout(attention, mask: dropoutMask)
        let merged = headContext(dropped, vFeat, heads: numHeads)  // (dropped @ v) with heads merged
        let output = try proj(merged)
        return Trace(
            q: q, k: k, v: v, scores: scores, maskedScores: masked, attention: attention,
            attentionDropped: dropoutMask == nil ? nil : dropped, merged: merged, output: output)
    }

    /// `(N, L, E) -> (N, H, L, E/H)` (`view(N, L, H, E/H).transpose(1, 2)`).
    private func splitHeads(_ x: Tensor<S>, n: Int, length: Int) -> Tensor<S> {
        x.reshaped([n, length, numHeads, headDim]).permuted([0, 2, 1, 3])
    }
}
