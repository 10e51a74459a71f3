public import Tensors

extension Linear {
    /// The gradients of `y = x W^T + b` given the upstream `dy = dL/dy`.
    public struct Gradients: Sendable {
        /// `dL/dx = dy W`, the shape of `x`.
        public var dx: Tensor<S>
        /// `dL/dW = dy^T x` over every leading position, `(out, in)`.
        public var dWeight: Tensor<S>
        /// `dL/db = sum of dy` over every leading position, `(out)`; nil without a bias.
        public var dBias: Tensor<S>?
    }

    /// The backward pass of `callAsFunction` (autograd's `AddmmBackward`): `x: (*, in)`, `dy: (*, out)`.
    public func backward(_ dy: Tensor<S>, x: Tensor<S>) throws(LayerError) -> Gradients {
        guard x.rank >= 1, x.shape.last == inFeatures, dy.shape == Array(x.shape.dropLast()) + [outFeatures] else {
            throw LayerError("Linear", "backward: dy has shape \(dy.shape) for an input of shape \(x.shape), expected (*, \(outFeatures))")
        }
        let rows = dy.reshaped([-1, outFeatures])
        return Gradients(
            dx: rows.matmul(weight).reshaped(x.shape),
            dWeight: rows.transposedMatmul(x.reshaped([-1, inFeatures])),
            dBias: bias == nil ? nil : rows.cs231nSumOverRows())
    }
}
