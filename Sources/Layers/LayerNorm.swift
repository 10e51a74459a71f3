public import Tensors

/// Layer normalization over the last axis (`nn.LayerNorm(D, eps=1e-5)`):
///
///     y = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias      (biased variance, over the last axis)
///
/// Shapes: `x: (*, D) -> (*, D)`; parameters `weight`, `bias: (D)`.
public struct LayerNorm<S: TensorScalar>: Sendable {
    public let weight: Tensor<S>
    public let bias: Tensor<S>
    public let eps: S

    public var size: Int { weight.count }

    public init(size: Int, eps: S = 1e-5, parameters: inout ParameterStore<S>, prefix: String) throws(ParameterError) {
        weight = try parameters.take(prefix + "weight", shape: [size])
        bias = try parameters.take(prefix + "bias", shape: [size])
        self.eps = eps
    }

    public var parameterCount: Int { 2 * size }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>) throws(LayerError) -> Tensor<S> {
        guard x.shape.last == size else { throw LayerError("LayerNorm", "input has shape \(x.shape), expected (*, \(size))") }
        var y = x
        let d = size
        let count = y.count
        weight.scalars.withUnsafeBufferPointer { w in
            bias.scalars.withUnsafeBufferPointer { b in
                y.scalars.withUnsafeMutableBufferPointer { buffer in
                    guard d > 0, let base = buffer.baseAddress else { return }
                    let (w, b) = (w.baseAddress!, b.baseAddress!)
                    // Rows are independent: chunks of rows run in parallel when there are enough of them.
                    ParallelChunks.run(count: count / d, grain: Swift.max(1, 16_384 / d)) { range in
                        for r in range {
                            let row = base + r * d
                            var mean: S = 0
                            for j in 0..<d { mean += row[j] }
                            mean /= S(d)
                            var variance: S = 0
                            for j in 0..<d { variance += (row[j] - mean) * (row[j] - mean) }
                            variance /= S(d)
                            let inverse = 1 / S.sqrt(variance + eps)
                            for j in 0..<d { row[j] = (row[j] - mean) * inverse * w[j] + b[j] }
                        }
                    }
                }
            }
        }
        return y
    }
}
