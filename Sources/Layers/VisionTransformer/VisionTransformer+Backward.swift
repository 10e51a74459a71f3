public import Tensors

extension VisionTransformer {
    /// Backward of `callAsFunction(x, masks:)` from the gradient of the logits, reusing the forward's `Output`:
    ///
    ///     dnormalized = classification_head.backward(dlogits);  dpooled = normalization.backward(dnormalized)
    ///     dtokens = dpooled at token 0 (cls) or dpooled / (T + 1) at every token (mean)
    ///     the blocks backward, last to first;  then the image embedding (class token, positions, patches)
    ///
    /// Returns the gradient of the image `dx (N, C, H, W)` and of every parameter, keyed by its `state_dict` key
    /// (`ie.cls_token`, `ie.positions`, `em.{i}.mha.query.weight`, ...). Shapes: `dlogits: (N, K)`.
    public func backward(
        logitsGradient dLogits: Tensor<S>, forward: Output, masks: [DropoutMasks]? = nil
    ) throws(LayerError) -> (dx: Tensor<S>, parameters: [String: Tensor<S>]) {
        if let masks, masks.count != blocks.count {
            throw LayerError("VisionTransformer.backward", "\(masks.count) sets of dropout masks for \(blocks.count) blocks")
        }
        let gHead = try classificationHead.backward(dLogits, x: forward.normalized)
        let gNorm = try normalization.backward(gHead.dx, x: forward.pooled)
        let tokens = forward.blocks.last?.out ?? forward.embedding.tokens
        let (n, length, e) = (tokens.shape[0], tokens.shape[1], tokens.shape[2])
        var dTokens = [S](repeating: 0, count: tokens.count)
        for b in 0..<n {
            for j in 0..<e {
                let g = gNorm.dx.scalars[b * e + j]
                switch pooling {
                case .cls: dTokens[b * length * e + j] = g
                case .mean: for t in 0..<length { dTokens[(b * length + t) * e + j] = g / S(length) }
                }
            }
        }
        var d = Tensor(shape: tokens.shape, scalars: dTokens)
        var parameters: [String: Tensor<S>] = [
            "classification_head.weight": gHead.dWeight, "classification_head.bias": gHead.dBias!,
            "normalization.weight": gNorm.dWeight, "normalization.bias": gNorm.dBias,
        ]
        for i in blocks.indices.reversed() {
            let input = i == 0 ? forward.embedding.tokens : forward.blocks[i - 1].out
            let g = try blocks[i].backward(
                d, x: input, forward: forward.blocks[i], attentionMask: masks?[i].attention, mlpMask: masks?[i].mlp,
                prefix: "em.\(i).")
            parameters.merge(g.parameters) { a, _ in a }
            d = g.dx
        }
        let gEmbedding = try embedding.backward(d, forward: forward.embedding, prefix: "ie.")
        parameters.merge(gEmbedding.parameters) { a, _ in a }
        return (gEmbedding.dx, parameters)
    }
}
