public import Tensors

extension PatchEmbedding {
    /// Backward of `callAsFunction` from the gradient of the tokens, reusing the forward's `patches`:
    ///
    ///     dpositions = sum over the batch of dtokens            (positions broadcast over the batch)
    ///     dcls_token = sum over the batch of dtokens[:, 0]      (the repeated class token)
    ///     dpatches = linear.backward(dtokens[:, 1:]);  dx = the patch rearrangement undone on dpatches
    ///
    /// Returns `dx (N, C, H, W)` and the gradient of every parameter keyed `prefix + cls_token` etc.
    /// Shapes: `dtokens: (N, T + 1, E)`.
    public func backward(
        _ dTokens: Tensor<S>, forward: Output, prefix: String = ""
    ) throws(LayerError) -> (dx: Tensor<S>, parameters: [String: Tensor<S>]) {
        try LayerError.check("PatchEmbedding.backward", "tokens gradient", dTokens, is: forward.tokens.shape)
        let (n, length, e) = (dTokens.shape[0], dTokens.shape[1], dTokens.shape[2])
        var positions = [S](repeating: 0, count: length * e)
        for b in 0..<n {
            for i in 0..<(length * e) { positions[i] += dTokens.scalars[b * length * e + i] }
        }
        let classToken = Tensor(shape: [1, 1, e], scalars: Array(positions[0..<e]))
        let gLinear = try linear.backward(dTokens.slice(axis: 1, 1..<length), x: forward.patches)
        return (Self.unpatches(gLinear.dx, patchSize: patchSize, channels: inChannels, imageSize: imageSize), [
            prefix + "cls_token": classToken, prefix + "positions": Tensor(shape: [length, e], scalars: positions),
            prefix + "linear.weight": gLinear.dWeight, prefix + "linear.bias": gLinear.dBias!,
        ])
    }

    /// The inverse of `patches`: `(N, T, P*P*C) -> (N, C, H, W)`, i.e. `rearrange(p, 'b (num_w num_h) (p1 p2 c) ->
    /// b c (num_w p1) (num_h p2)')`, the backward of the patch rearrangement (a permutation of elements).
    public static func unpatches(_ p: Tensor<S>, patchSize: Int, channels c: Int, imageSize: Int) -> Tensor<S> {
        let (n, cells) = (p.shape[0], imageSize / patchSize)
        // (N, num_w, num_h, p1, p2, C) -> (N, C, num_w, p1, num_h, p2): the inverse of permutation [0, 2, 4, 3, 5, 1]
        return p.reshaped([n, cells, cells, patchSize, patchSize, c])
            .permuted([0, 5, 1, 3, 2, 4])
            .reshaped([n, c, imageSize, imageSize])
    }
}
