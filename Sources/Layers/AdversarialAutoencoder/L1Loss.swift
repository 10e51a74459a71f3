public import Tensors

/// `nn.L1Loss()` (mean reduction): `loss = mean(|input - target|)`.
///
/// Shapes: `input`, `target`: the same shape (`(N, C, H, W)` images in the notebook) -> a scalar; `elementwise`
/// keeps the shape (`reduction='none'`). Matches the AAE notebook's `pixelwise_loss` (NOTEBOOKS.md §4).
public struct L1Loss: Sendable {
    public init() {}

    /// The per-element losses `|input - target|`, `reduction='none'`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func elementwise<S: TensorScalar>(_ input: Tensor<S>, _ target: Tensor<S>) throws(LayerError) -> Tensor<S> {
        guard input.shape == target.shape else {
            throw LayerError("L1Loss", "input \(input.shape) and target \(target.shape) differ in shape")
        }
        return input.zipped(with: target) { abs($0 - $1) }
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction<S: TensorScalar>(_ input: Tensor<S>, _ target: Tensor<S>) throws(LayerError) -> Tensor<S> {
        let losses = try elementwise(input, target)
        return Tensor(scalar: S(losses.scalars.reduce(0.0) { $0 + Double($1) } / Double(losses.count)))
    }
}
