public import Tensors
public import RealModule

/// Elementwise activations, as PyTorch computes them.
public enum Activation {
    /// `sigmoid(x) = 1 / (1 + exp(-x))` (`torch.sigmoid`).
    @inlinable public static func sigmoid<S: TensorScalar>(_ x: S) -> S { 1 / (1 + S.exp(-x)) }

    /// `tanh(x)` (`torch.tanh`).
    @inlinable public static func tanh<S: TensorScalar>(_ x: S) -> S { S.tanh(x) }

    /// `relu(x) = max(x, 0)` (`F.relu`).
    @inlinable public static func relu<S: TensorScalar>(_ x: S) -> S { x > 0 ? x : 0 }

    /// The exact GELU, `x * (1 + erf(x / sqrt(2))) / 2` (`nn.GELU()`, approximate='none').
    @inlinable public static func gelu<S: TensorScalar>(_ x: S) -> S { x * (1 + S.erf(x / S.sqrt(2))) / 2 }
}

extension Tensor where Element: TensorScalar {
    public func sigmoid() -> Tensor { map(Activation.sigmoid) }
    public func tanh() -> Tensor { map(Activation.tanh) }
    public func relu() -> Tensor { map(Activation.relu) }
    public func gelu() -> Tensor { map(Activation.gelu) }
}
