public import Tensors

/// cs231n `temporal_softmax_loss`: a softmax over the vocabulary at every time step, the log-probability of the
/// target **masked**, **summed over time and batch, and divided by N** (not by N*T, not by the mask's count):
///
///     probs = exp(x - max) / sum(exp(x - max))           (per row of x.reshape(N*T, V))
///     loss  = -sum_{n,t} mask[n,t] * log(probs[n,t,y[n,t]]) / N
///     dx    = (probs - onehot(y)) / N * mask[:, :, None]
///
/// `log` is taken of `probs` (not a log-softmax), as the assignment does. The two sums are NumPy's pairwise sums
/// (`numpyPairwiseSum`), in `np.sum`'s order: each row's softmax denominator over the V words, and the N*T masked
/// log-probabilities (a sequential float32 sum of 1004 exponentials lands several ulps away).
/// Shapes: `x: (N, T, V)`, `y: (N, T)` int64 in `0..<V`, `mask: (N, T)` bool -> `probs: (N, T, V)`, `loss: ()`,
/// `dx: (N, T, V)`. Matches the "Temporal Softmax loss" cell of RNN_Captioning.ipynb.
public struct CS231nTemporalSoftmaxLoss: Sendable {
    /// The loss, its gradient and the probabilities it came from.
    public struct Output<S: TensorScalar>: Sendable {
        public var probs: Tensor<S>
        public var loss: Tensor<S>
        public var dx: Tensor<S>
    }

    public init() {}

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction<S: TensorScalar>(
        _ x: Tensor<S>, _ y: Tensor<Int64>, mask: Tensor<Bool>
    ) throws(LayerError) -> Output<S> {
        try LayerError.check("CS231nTemporalSoftmaxLoss", "x", x, is: [-1, -1, -1])
        let (n, length, v) = (x.shape[0], x.shape[1], x.shape[2])
        try LayerError.check("CS231nTemporalSoftmaxLoss", "y", y, is: [n, length])
        try LayerError.check("CS231nTemporalSoftmaxLoss", "mask", mask, is: [n, length])
        if let bad = y.scalars.firstIndex(where: { $0 < 0 || $0 >= Int64(v) }) {
            throw LayerError("CS231nTemporalSoftmaxLoss", "target \(y.scalars[bad]) at \(y.index(ofOffset: bad)) is outside 0..<\(v)")
        }
        // probs = exp(x - max) / sum(exp(x - max)), the sum pairwise as np.sum(probs, axis=1)
        var probs = x
        probs.scalars.withUnsafeMutableBufferPointer { buffer in
            guard v > 0 else { return }
            for row in 0..<(n * length) {
                let r = buffer.baseAddress! + row * v
                let maximum = S.maximum(r, count: v)
                for j in 0..<v { r[j] -= maximum }
                S.vectorExp(r, r, count: v)
                let total = numpyPairwiseSum(UnsafePointer(r), count: v)
                for j in 0..<v { r[j] /= total }
            }
        }
        // loss = -np.sum(mask_flat * np.log(probs[arange, y])) / N, that sum pairwise too
        var picked = [S](repeating: 0, count: n * length)
        var dx = probs.scalars
        let count = S(n)
        for row in 0..<(n * length) {
            let target = row * v + Int(y.scalars[row])
            let kept = mask.scalars[row]
            if kept { picked[row] = S.log(probs.scalars[target]) }
            dx[target] -= 1
            for j in (row * v)..<((row + 1) * v) { dx[j] = kept ? dx[j] / count : 0 }
        }
        let total = picked.withUnsafeBufferPointer { p in p.baseAddress.map { numpyPairwiseSum($0, count: p.count) } ?? 0 }
        return Output(probs: probs, loss: Tensor(scalar: -total / count), dx: Tensor(shape: x.shape, scalars: dx))
    }
}
