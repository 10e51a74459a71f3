public import Tensors

extension BatchNorm1d {
    /// The gradients of one train-mode `BatchNorm1d` call: `dx (N, C)`, `dWeight (C)`, `dBias (C)`.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dWeight: Tensor<S>
        public var dBias: Tensor<S>
    }

    /// Backward of a train-mode call (batch statistics), as PyTorch's CPU `batch_norm_backward` computes it:
    ///
    ///     xhat = (x - mean) * invstd,  invstd = 1 / sqrt(var + eps)   (the batch's mean and biased variance)
    ///     dweight = sum_n(dy * (x - mean)) * invstd;  dbias = sum_n(dy)
    ///     dx = (dy - sum_n(dy) / N - (x - mean) * k) * invstd * weight,  k = sum_n(dy * (x - mean)) * invstd^2 / N
    ///
    /// The last two terms of `dx` are the batch statistics' own derivatives (the mean's and the variance's): an
    /// eval-mode backward would be `dy * invstd * weight` alone. `x` is the forward's input; its batch statistics are
    /// recomputed from it as the forward computed them (sums in double). Shapes: `x`, `dy: (N, C)`.
    public func trainingBackward(input x: Tensor<S>, outputGradient dy: Tensor<S>) throws(LayerError) -> Gradients {
        try LayerError.check("BatchNorm1d.backward", "input", x, is: [-1, features])
        try LayerError.check("BatchNorm1d.backward", "output gradient", dy, is: x.shape)
        let (n, c) = (x.shape[0], features)
        var dx = [S](repeating: 0, count: n * c)
        var dweight = [S](repeating: 0, count: c)
        var dbias = [S](repeating: 0, count: c)
        for j in 0..<c {
            var sum = 0.0
            for i in 0..<n { sum += Double(x.scalars[i * c + j]) }
            let mean = S(sum / Double(n))
            var squares = 0.0
            for i in 0..<n {
                let d = Double(x.scalars[i * c + j] - mean)
                squares += d * d
            }
            let invstd = S(1 / (squares / Double(n) + eps).squareRoot())
            var gradientSum = 0.0
            var dot = 0.0
            for i in 0..<n {
                gradientSum += Double(dy.scalars[i * c + j])
                dot += Double(dy.scalars[i * c + j]) * Double(x.scalars[i * c + j] - mean)
            }
            let k = S(dot) * invstd * invstd / S(n)
            let gradientMean = S(gradientSum) / S(n)
            let w = weight.scalars[j]
            for i in 0..<n {
                let centered = x.scalars[i * c + j] - mean
                dx[i * c + j] = (dy.scalars[i * c + j] - gradientMean - centered * k) * invstd * w
            }
            dweight[j] = S(dot) * invstd
            dbias[j] = S(gradientSum)
        }
        return Gradients(
            dx: Tensor(shape: x.shape, scalars: dx), dWeight: Tensor(shape: [c], scalars: dweight),
            dBias: Tensor(shape: [c], scalars: dbias))
    }
}
