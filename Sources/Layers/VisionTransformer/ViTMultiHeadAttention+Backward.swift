public import Tensors

extension ViTMultiHeadAttention {
    /// Backward of `callAsFunction(x, dropoutMask:)` from the gradient of its output, by autograd's rules:
    ///
    ///     scores = Q K^T * s;  P = softmax(scores);  A = dropout(P);  C = A V;  out = linear(merge(C))
    ///     dC = split(linear.backward(dout));  dA = dC V^T;  dV = A^T dC;  dP = dropout.backward(dA)
    ///     dscores = P * (dP - sum_last(dP * P))      (the softmax Jacobian, row by row)
    ///     dQ = (dscores * s) K;  dK = (dscores * s)^T Q;  dx = query.backward(dQ) + key.backward(dK) + value.backward(dV)
    ///
    /// `x` is the forward's input; Q, K, V and P are recomputed from it exactly as the forward computes them.
    /// Returns `dx (N, T, E)` and the gradient of every parameter keyed `prefix + value.weight` etc.
    /// Shapes: `x`, `dout: (N, T, E)`, `mask: (N, H, T, T)`.
    public func backward(
        _ dout: Tensor<S>, x: Tensor<S>, dropoutMask mask: Tensor<Bool>? = nil, prefix: String = ""
    ) throws(LayerError) -> (dx: Tensor<S>, parameters: [String: Tensor<S>]) {
        try LayerError.check("ViTMultiHeadAttention.backward", "input x", x, is: [-1, -1, embeddingSize])
        try LayerError.check("ViTMultiHeadAttention.backward", "output gradient", dout, is: x.shape)
        let (n, length) = (x.shape[0], x.shape[1])
        let q = splitHeads(try query(x))
        let k = splitHeads(try key(x))
        let v = splitHeads(try value(x))
        let probabilities = (q.matmul(k, transposeOther: true) * scaling).softmaxLastAxis()
        let attention = try dropout(probabilities, mask: mask)
        let merged = attention.matmul(v).permuted([0, 2, 1, 3]).reshaped([n, length, embeddingSize])

        let gLinear = try linear.backward(dout, x: merged)
        let dContext = splitHeads(gLinear.dx)
        let dAttention = dContext.matmul(v, transposeOther: true)
        let dV = attention.transposedLastTwo().matmul(dContext)
        let dProbabilities = try dropout.backward(dAttention, mask: mask)
        let dWeights = Self.softmaxBackward(dProbabilities, output: probabilities) * scaling
        let dQ = dWeights.matmul(k)
        let dK = dWeights.transposedLastTwo().matmul(q)
        func merge(_ t: Tensor<S>) -> Tensor<S> { t.permuted([0, 2, 1, 3]).reshaped([n, length, embeddingSize]) }
        let gQuery = try query.backward(merge(dQ), x: x)
        let gKey = try key.backward(merge(dK), x: x)
        let gValue = try value.backward(merge(dV), x: x)
        return (gQuery.dx + gKey.dx + gValue.dx, [
            prefix + "value.weight": gValue.dWeight, prefix + "value.bias": gValue.dBias!,
            prefix + "key.weight": gKey.dWeight, prefix + "key.bias": gKey.dBias!,
            prefix + "query.weight": gQuery.dWeight, prefix + "query.bias": gQuery.dBias!,
            prefix + "linear.weight": gLinear.dWeight, prefix + "linear.bias": gLinear.dBias!,
        ])
    }

    /// The softmax Jacobian applied row by row (PyTorch's `_softmax_backward_data`): `dx = (dy - sum(dy * y)) * y`
    /// over the last axis, `y` the softmax output. Shapes: `dy`, `y`: the same.
    public static func softmaxBackward(_ dy: Tensor<S>, output y: Tensor<S>) -> Tensor<S> {
        let width = y.shape.last ?? 1
        var dx = [S](repeating: 0, count: y.count)
        for start in stride(from: 0, to: y.count, by: max(width, 1)) {
            var dot: S = 0
            for j in start..<(start + width) { dot += dy.scalars[j] * y.scalars[j] }
            for j in start..<(start + width) { dx[j] = (dy.scalars[j] - dot) * y.scalars[j] }
        }
        return Tensor(shape: y.shape, scalars: dx)
    }
}
