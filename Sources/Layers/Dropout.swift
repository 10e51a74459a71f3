public import Tensors

/// Dropout replayed from a recorded mask (`nn.Dropout(p)`): `y = x * mask / (1 - p)` in train mode, `y = x` in eval
/// mode (no mask). The mask is the one PyTorch drew (1 = kept), recorded in the fixture, so that a notebook that
/// ran with dropout on replays exactly.
/// Shapes: `x`, `mask`: the same shape.
public struct Dropout<S: TensorScalar>: Sendable {
    public let p: S

    public init(p: S) {
        self.p = p
    }

    /// `x` unchanged when `mask` is nil (eval mode), else `x * mask / (1 - p)`.
    public func callAsFunction(_ x: Tensor<S>, mask: Tensor<Bool>?) throws(LayerError) -> Tensor<S> {
        guard let mask else { return x }
        guard mask.shape == x.shape else {
            throw LayerError("Dropout", "mask has shape \(mask.shape), the input \(x.shape)")
        }
        let scale = 1 / (1 - p)
        return Tensor(shape: x.shape, scalars: zip(x.scalars, mask.scalars).map { $1 ? $0 * scale : 0 })
    }
}
