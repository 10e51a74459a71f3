public import Tensors

/// Scaled dot-product attention, as the notebook's `ScaledDotProductAttention.forward` computes it:
///
///     scores    = Q K^T / sqrt(d_K)                          d_K = K's last dimension
///     scores    = scores.masked_fill(mask == 0, -1e9)        when a mask is given
///     attention = softmax(scores, dim=-1)
///     out       = attention V
///
/// Shapes: `Q: (*, n_Q, d_K)`, `K: (*, n_K, d_K)`, `V: (*, n_K, d_V)` with the same leading axes `*` (3-D inputs:
/// `(N)`; the notebook's 4-D "multi-headed" cell: `(N, n_head)`); `mask` (true = attend) broadcasts to
/// `(*, n_Q, n_K)` -> `scores, attention: (*, n_Q, n_K)`, `out: (*, n_Q, d_V)`. No parameters.
/// Matches `ScaledDotProductAttention` in boostcamp `mha.ipynb`.
public struct ScaledDotProductAttention<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Output: Sendable {
        /// `(*, n_Q, n_K)`: scaled and masked, before the softmax.
        public var scores: Tensor<S>
        /// `(*, n_Q, n_K)`: each row sums to 1.
        public var attention: Tensor<S>
        /// `(*, n_Q, d_V)`.
        public var out: Tensor<S>
    }

    /// What a blocked score becomes. The notebook fills with -1e9, not -inf: a row blocked entirely becomes uniform
    /// (1/n_K each) after the softmax instead of NaN.
    public static var maskFill: S { -1e9 }

    public init() {}

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ q: Tensor<S>, _ k: Tensor<S>, _ v: Tensor<S>, mask: Tensor<Bool>? = nil)
        throws(LayerError) -> Output
    {
        let layer = "ScaledDotProductAttention"
        guard v.rank == k.rank, v.rank >= 2, Array(v.shape.dropLast()) == Array(k.shape.dropLast()) else {
            throw LayerError(layer, "V has shape \(v.shape), expected K's leading axes \(k.shape.dropLast()) + [d_V]")
        }
        let dK = k.shape[k.rank - 1]
        let scores = try Self.scores(q, k, dividedBy: S(dK).squareRoot(), mask: mask, layer: layer)
        let attention = scores.softmaxLastAxis()
        return Output(scores: scores, attention: attention, out: attention.matmul(v))
    }

    /// `(Q K^T / divisor).masked_fill(mask == 0, -1e9)`: the first two lines above with the divisor given, since
    /// `MultiHeadedAttention` divides by sqrt(d_feat) rather than by the square root of its split K's last dimension.
    /// Shapes: `q: (*, n_Q, d)`, `k: (*, n_K, d)`, `mask` broadcasting to `(*, n_Q, n_K)` -> `(*, n_Q, n_K)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func scores(
        _ q: Tensor<S>, _ k: Tensor<S>, dividedBy divisor: S, mask: Tensor<Bool>?, layer: String
    ) throws(LayerError) -> Tensor<S> {
        guard q.rank >= 2, k.rank == q.rank, Array(k.shape.dropLast(2)) == Array(q.shape.dropLast(2)),
            k.shape[k.rank - 1] == q.shape[q.rank - 1]
        else {
            throw LayerError(layer, "Q has shape \(q.shape) and K \(k.shape): expected (*, n_Q, d) and (*, n_K, d)")
        }
        let scaled = q.matmul(k, transposeOther: true) / divisor
        guard let mask else { return scaled }
        guard let masked = scaled.filled(maskFill, whereNot: mask) else {
            throw LayerError(layer, "mask has shape \(mask.shape), which does not broadcast to the scores' \(scaled.shape)")
        }
        return masked
    }
}
