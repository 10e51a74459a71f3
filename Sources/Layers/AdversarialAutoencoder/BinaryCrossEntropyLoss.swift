public import Tensors

/// `nn.BCELoss()` (mean reduction, no weights), with PyTorch's clamp of each log at -100:
///
///     l = (t - 1) * max(log1p(-x), -100) - t * max(log(x), -100)       (so x = 0 or 1 costs 100, not inf)
///     loss = mean(l)
///
/// Shapes: `input`, `target`: the same shape (`(N, 1)` in the notebook) -> a scalar; `elementwise` keeps the shape
/// (`reduction='none'`). `input` must lie in [0, 1]. Matches the AAE notebook's `adversarial_loss` (NOTEBOOKS.md §4).
public struct BinaryCrossEntropyLoss: Sendable {
    public init() {}

    /// The per-element losses, `reduction='none'`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func elementwise<S: TensorScalar>(_ input: Tensor<S>, _ target: Tensor<S>) throws(LayerError) -> Tensor<S> {
        guard input.shape == target.shape else {
            throw LayerError("BinaryCrossEntropyLoss", "input \(input.shape) and target \(target.shape) differ in shape")
        }
        if let bad = input.scalars.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw LayerError("BinaryCrossEntropyLoss", "input[\(bad)] = \(input.scalars[bad]) is outside [0, 1]")
        }
        return Tensor(shape: input.shape, scalars: zip(input.scalars, target.scalars).map { x, t in
            // PyTorch's CPU kernel: log(1 - x) as log1p(-x), each log clamped at -100.
            (t - 1) * max(S.log(onePlus: -x), -100) - t * max(S.log(x), -100)
        })
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction<S: TensorScalar>(_ input: Tensor<S>, _ target: Tensor<S>) throws(LayerError) -> Tensor<S> {
        let losses = try elementwise(input, target)
        return Tensor(scalar: S(losses.scalars.reduce(0.0) { $0 + Double($1) } / Double(losses.count)))
    }
}
