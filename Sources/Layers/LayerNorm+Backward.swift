public import Tensors

extension LayerNorm {
    /// The gradients of one `LayerNorm` call: `dx` the shape of `x`, `dWeight`, `dBias (D)`.
    public struct Gradients: Sendable {
        public var dx: Tensor<S>
        public var dWeight: Tensor<S>
        public var dBias: Tensor<S>
    }

    /// Backward of `y = (x - mean) * rstd * weight + bias` over the last axis, as PyTorch's CPU `layer_norm_backward`
    /// writes it, per row of `D` features (`rstd = 1 / sqrt(var + eps)`, biased variance):
    ///
    ///     ds = sum(dy * weight * x),  db = sum(dy * weight)
    ///     b = (db * mean - ds) * rstd^3 / D,  c = -b * mean - db * rstd / D
    ///     dx = rstd * dy * weight + b * x + c          (= rstd (g - mean(g) - xhat mean(g xhat)), g = dy weight)
    ///     dWeight = sum over rows of dy * xhat,  dBias = sum over rows of dy
    ///
    /// `x` is the forward's input; its mean and rstd are recomputed as the forward computed them.
    /// Shapes: `x`, `dy: (*, D)`.
    public func backward(_ dy: Tensor<S>, x: Tensor<S>) throws(LayerError) -> Gradients {
        guard x.shape.last == size, dy.shape == x.shape else {
            throw LayerError("LayerNorm", "backward: dy has shape \(dy.shape) for an input of shape \(x.shape), expected (*, \(size))")
        }
        let d = size
        var dx = [S](repeating: 0, count: x.count)
        var dWeight = [Double](repeating: 0, count: d)
        var dBias = [Double](repeating: 0, count: d)
        for start in stride(from: 0, to: x.count, by: d) {
            var mean: S = 0
            for j in 0..<d { mean += x.scalars[start + j] }
            mean /= S(d)
            var variance: S = 0
            for j in 0..<d { variance += (x.scalars[start + j] - mean) * (x.scalars[start + j] - mean) }
            variance /= S(d)
            let rstd = 1 / S.sqrt(variance + eps)
            var ds = 0.0
            var db = 0.0
            for j in 0..<d {
                let g = Double(dy.scalars[start + j]) * Double(weight.scalars[j])
                ds += g * Double(x.scalars[start + j])
                db += g
                dWeight[j] += Double(dy.scalars[start + j]) * Double((x.scalars[start + j] - mean) * rstd)
                dBias[j] += Double(dy.scalars[start + j])
            }
            let scale = 1 / S(d)
            let b = (S(db) * mean - S(ds)) * rstd * rstd * rstd * scale
            let c = -b * mean - S(db) * rstd * scale
            for j in 0..<d {
                dx[start + j] = rstd * dy.scalars[start + j] * weight.scalars[j] + b * x.scalars[start + j] + c
            }
        }
        return Gradients(
            dx: Tensor(shape: x.shape, scalars: dx), dWeight: Tensor(shape: [d], scalars: dWeight.map { S($0) }),
            dBias: Tensor(shape: [d], scalars: dBias.map { S($0) }))
    }
}
