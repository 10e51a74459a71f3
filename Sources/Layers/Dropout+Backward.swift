public import Tensors

extension Dropout {
    /// Backward of `y = (x * mask) / (1 - p)`: `dx = (dy * mask) / (1 - p)`, or `dy` in eval mode (no mask).
    /// Shapes: `dy`, `mask`: the same shape.
    public func backward(_ dy: Tensor<S>, mask: Tensor<Bool>?) throws(LayerError) -> Tensor<S> {
        try callAsFunction(dy, mask: mask)
    }
}
