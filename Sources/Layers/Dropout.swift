public import Tensors

/// Dropout replayed from a recorded mask (`nn.Dropout(p)`): `y = (x * mask) / (1 - p)` in train mode, `y = x` in eval
/// mode (no mask). The mask is the one PyTorch drew (1 = kept), recorded in the fixture, so that a notebook that
/// ran with dropout on replays exactly.
///
/// A dropped element is computed as `x * 0`, not replaced by 0, so a NaN stays NaN as in PyTorch (the softmax of a
/// fully masked attention row is NaN and stays NaN after the attention dropout). `1 - p` is formed in double
/// precision and then rounded to `S`, as PyTorch rounds the Python scalar.
/// Shapes: `x`, `mask`: the same shape.
public struct Dropout<S: TensorScalar>: Sendable {
    public let p: Double

    public init(p: Double) {
        self.p = p
    }

    public init(p: S) {
        self.p = Double(p)
    }

    /// `x` unchanged when `mask` is nil (eval mode), else `(x * mask) / (1 - p)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, mask: Tensor<Bool>?) throws(LayerError) -> Tensor<S> {
        guard let mask else { return x }
        guard mask.shape == x.shape else {
            throw LayerError("Dropout", "mask has shape \(mask.shape), the input \(x.shape)")
        }
        let keep = S(1 - p)
        return x.scalars.withUnsafeBufferPointer { a in
            mask.scalars.withUnsafeBufferPointer { m in
                Tensor.build(shape: x.shape) { out in
                    for i in 0..<out.count { out.initializeElement(at: i, to: (a[i] * (m[i] ? 1 : 0)) / keep) }
                }
            }
        }
    }
}
