public import Tensors

/// Batch normalization of `(N, C)` features over the batch axis (`nn.BatchNorm1d(C, eps, momentum)`), in either mode:
///
///     train:  mean = mean_n(x),  var = mean_n((x - mean)^2)            (biased: normalizes the batch)
///             y = (x - mean) / sqrt(var + eps) * weight + bias
///             running_mean = (1 - f) * running_mean + f * mean
///             running_var  = (1 - f) * running_var  + f * var * N / (N - 1)   (unbiased variance)
///             num_batches_tracked += 1;  f = momentum, or 1 / num_batches_tracked when momentum is None
///     eval:   y = (x - running_mean) / sqrt(running_var + eps) * weight + bias
///
/// Computed as PyTorch's CPU kernel does: `y = x * alpha + beta` with `alpha = weight / sqrt(var + eps)`,
/// `beta = bias - mean * alpha`; batch sums and the running-stat update in `Double`.
/// Shapes: `x: (N, C) -> (N, C)`; parameters `weight`, `bias`, `running_mean`, `running_var: (C)`, and the int64
/// buffer `num_batches_tracked: ()`. Matches the decoder's `nn.BatchNorm1d(512)` (AAE notebook, NOTEBOOKS.md §4).
public struct BatchNorm1d<S: TensorScalar>: Sendable {
    public let weight: Tensor<S>
    public let bias: Tensor<S>
    public private(set) var runningMean: Tensor<S>
    public private(set) var runningVar: Tensor<S>
    public private(set) var numBatchesTracked: Int64
    public let eps: Double
    /// `nil`: PyTorch's `momentum=None`, the cumulative moving average.
    public let momentum: Double?

    public var features: Int { weight.count }

    public init(
        weight: Tensor<S>, bias: Tensor<S>, runningMean: Tensor<S>, runningVar: Tensor<S>,
        numBatchesTracked: Int64, eps: Double = 1e-5, momentum: Double? = 0.1
    ) {
        let c = weight.count
        precondition([bias, runningMean, runningVar].allSatisfy { $0.shape == [c] } && weight.shape == [c],
                      "BatchNorm1d parameters must all be (C)")
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean
        self.runningVar = runningVar
        self.numBatchesTracked = numBatchesTracked
        self.eps = eps
        self.momentum = momentum
    }

    /// Loads `weight`, `bias`, `running_mean`, `running_var` and the int64 `num_batches_tracked` under `prefix`.
    public init(
        features: Int, eps: Double, momentum: Double?, parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        self.init(
            weight: try parameters.take(prefix + "weight", shape: [features]),
            bias: try parameters.take(prefix + "bias", shape: [features]),
            runningMean: try parameters.take(prefix + "running_mean", shape: [features]),
            runningVar: try parameters.take(prefix + "running_var", shape: [features]),
            numBatchesTracked: try parameters.takeInteger(prefix + "num_batches_tracked", shape: []).scalars[0],
            eps: eps, momentum: momentum)
    }

    public var parameterCount: Int { 2 * features }

    /// Normalizes `x`; in training mode with the batch statistics, updating the running statistics.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public mutating func callAsFunction(_ x: Tensor<S>, training: Bool) throws(LayerError) -> Tensor<S> {
        try LayerError.check("BatchNorm1d", "input", x, is: [-1, features])
        let (n, c) = (x.shape[0], features)
        var mean = runningMean.scalars
        var variance = runningVar.scalars
        if training {
            guard n > 1 else {
                throw LayerError("BatchNorm1d", "expected more than 1 value per channel when training, got input \(x.shape)")
            }
            numBatchesTracked += 1
            let factor = momentum ?? 1 / Double(numBatchesTracked)
            var newMean = runningMean.scalars
            var newVar = runningVar.scalars
            for j in 0..<c {
                var sum = 0.0
                for i in 0..<n { sum += Double(x.scalars[i * c + j]) }
                let m = S(sum / Double(n))
                var squares = 0.0
                for i in 0..<n {
                    let d = Double(x.scalars[i * c + j] - m)
                    squares += d * d
                }
                mean[j] = m
                variance[j] = S(squares / Double(n))
                newMean[j] = S(factor * Double(m) + (1 - factor) * Double(runningMean.scalars[j]))
                newVar[j] = S(factor * (squares / Double(n - 1)) + (1 - factor) * Double(runningVar.scalars[j]))
            }
            runningMean = Tensor(shape: [c], scalars: newMean)
            runningVar = Tensor(shape: [c], scalars: newVar)
        }
        var alpha = [S](repeating: 0, count: c)
        var beta = [S](repeating: 0, count: c)
        for j in 0..<c {
            let inverseStd = S(1 / (Double(variance[j]) + eps).squareRoot())
            alpha[j] = weight.scalars[j] * inverseStd
            beta[j] = bias.scalars[j] - mean[j] * alpha[j]
        }
        var y = x.scalars
        for i in 0..<n {
            for j in 0..<c { y[i * c + j] = y[i * c + j] * alpha[j] + beta[j] }
        }
        return Tensor(shape: x.shape, scalars: y)
    }
}
