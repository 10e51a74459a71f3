public import Tensors

/// The loss `CaptioningSolverTransformer` trains with (`transformer_temporal_softmax_loss`):
///
///     token_loss[n, t] = cross_entropy(x[n, t], y[n, t]) * (y[n, t] != NULL)
///     loss = mean over all N*T tokens of token_loss        (masked tokens count in the denominator)
///
/// Not the RNN's `temporal_softmax_loss` (sum over time, divided by N): the transformer solver takes
/// `torch.mean` of the masked per-token losses. Shapes: `scores: (N, T, V)`, `targets: (N, T)` int64 ->
/// `tokenLoss: (N, T)`, `loss: ()`.
public struct TransformerTemporalSoftmaxLoss: Sendable {
    public let nullIndex: Int64

    public init(nullIndex: Int) {
        self.nullIndex = Int64(nullIndex)
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction<S: TensorScalar>(
        _ scores: Tensor<S>, _ targets: Tensor<Int64>
    ) throws(LayerError) -> (tokenLoss: Tensor<S>, loss: Tensor<S>) {
        try LayerError.check("TemporalSoftmaxLoss", "scores", scores, is: [-1, -1, -1])
        let (n, t, v) = (scores.shape[0], scores.shape[1], scores.shape[2])
        try LayerError.check("TemporalSoftmaxLoss", "targets", targets, is: [n, t])
        let logProbabilities = scores.reshaped([n * t, v]).logSoftmaxLastAxis()
        var tokenLoss = [S](repeating: 0, count: n * t)
        for (row, target) in targets.scalars.enumerated() {
            guard target >= 0, target < v else {
                throw LayerError("TemporalSoftmaxLoss", "target \(target) at \(targets.index(ofOffset: row)) is outside 0..<\(v)")
            }
            let mask: S = target != nullIndex ? 1 : 0
            tokenLoss[row] = -logProbabilities[row, Int(target)] * mask
        }
        let total = Tensor(shape: [n, t], scalars: tokenLoss)
        return (total, Tensor(scalar: total.mean()))
    }
}
