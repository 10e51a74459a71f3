public import Tensors

extension Linear {
    /// The gradients of one `Linear` call: `input` `(*, in)` (nil when not asked for), `weight` `(out, in)`,
    /// `bias` `(out)` (nil for a layer without bias).
    public struct Gradients: Sendable {
        public var input: Tensor<S>?
        public var weight: Tensor<S>
        public var bias: Tensor<S>?
    }

    /// Backward of `y = x W^T + b` (PyTorch's `addmm` backward), rows of every leading axis folded together:
    ///
    ///     dx = dy W          dW = dy^T x          db = sum over rows of dy
    ///
    /// Shapes: `x: (*, in)` (the forward's input), `dy: (*, out)` -> `dx: (*, in)`, `dW: (out, in)`, `db: (out)`.
    /// `inputGradient: false` skips `dx` (PyTorch does not compute it for an input that needs no gradient).
    public func backward(
        input x: Tensor<S>, outputGradient dy: Tensor<S>, inputGradient: Bool = true
    ) throws(LayerError) -> Gradients {
        guard x.rank >= 1, x.shape.last == inFeatures, Array(x.shape.dropLast()) + [outFeatures] == dy.shape else {
            throw LayerError("Linear.backward", "input \(x.shape) and output gradient \(dy.shape) for weight \(weight.shape)")
        }
        let rows = dy.reshaped([-1, outFeatures])
        let weightGradient = rows.permuted([1, 0]).matmul(x.reshaped([-1, inFeatures]))
        let biasGradient = bias.map { _ in rows.cs231nSumOverRows() }  // rows added in order
        let inputGradient = inputGradient ? rows.matmul(weight).reshaped(x.shape) : nil
        return Gradients(input: inputGradient, weight: weightGradient, bias: biasGradient)
    }
}

