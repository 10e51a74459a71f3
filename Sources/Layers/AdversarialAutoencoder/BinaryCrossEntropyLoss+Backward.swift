public import Tensors

extension BinaryCrossEntropyLoss {
    /// Backward of the mean `nn.BCELoss()` (PyTorch's `binary_cross_entropy_backward`):
    ///
    ///     dx = g * (x - t) / max((1 - x) * x, 1e-12) / numel
    ///
    /// where `g` is the loss's upstream gradient (a scalar: `0.001` for the notebook's `0.001 * BCE(...)`).
    /// Shapes: `input`, `target`: the same shape -> `dx`: that shape.
    public func backward<S: TensorScalar>(
        _ input: Tensor<S>, _ target: Tensor<S>, lossGradient g: S
    ) throws(LayerError) -> Tensor<S> {
        guard input.shape == target.shape else {
            throw LayerError("BinaryCrossEntropyLoss.backward", "input \(input.shape) and target \(target.shape) differ in shape")
        }
        let count = S(input.count)
        return input.zipped(with: target) { x, t in g * (x - t) / max((1 - x) * x, S(1e-12)) / count }
    }
}
