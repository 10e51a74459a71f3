public import Tensors

extension L1Loss {
    /// Backward of the mean `nn.L1Loss()`, which PyTorch composes as `(input - target).abs().mean()`:
    ///
    ///     dx = sign(x - t) * (g / numel)         (sign(0) = 0)
    ///
    /// `g` is the loss's upstream gradient (`0.999` for the notebook's `0.999 * L1(...)`).
    /// Shapes: `input`, `target`: the same shape -> `dx`: that shape.
    public func backward<S: TensorScalar>(
        _ input: Tensor<S>, _ target: Tensor<S>, lossGradient g: S
    ) throws(LayerError) -> Tensor<S> {
        guard input.shape == target.shape else {
            throw LayerError("L1Loss.backward", "input \(input.shape) and target \(target.shape) differ in shape")
        }
        let share = g / S(input.count)
        return input.zipped(with: target) { x, t in
            let d = x - t
            return d > 0 ? share : d < 0 ? -share : 0 * share
        }
    }
}
