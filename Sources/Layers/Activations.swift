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

// The tensor forms run over raw buffers with the vectorized exp/tanh/erf of `TensorScalar` (SLEEF for Float and
// Double): the same formulas as the scalar forms above, one kernel call per tensor.
extension Tensor where Element: TensorScalar {
    /// `1 / (1 + exp(-x))` elementwise.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func sigmoid() -> Tensor {
        var y = mapScalars { -$0 }
        y.scalars.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            Element.vectorExp(base, base, count: b.count)
            for i in 0..<b.count { b[i] = 1 / (1 + b[i]) }
        }
        return y
    }

    /// `tanh(x)` elementwise.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func tanh() -> Tensor {
        scalars.withUnsafeBufferPointer { a in
            Tensor.build(shape: shape) { out in
                guard let base = out.baseAddress else { return }
                Element.vectorTanh(a.baseAddress!, base, count: out.count)
            }
        }
    }

    /// `max(x, 0)` elementwise.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func relu() -> Tensor { mapScalars(Activation.relu) }

    /// The exact GELU `x * (1 + erf(x / sqrt(2))) / 2` elementwise.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func gelu() -> Tensor {
        let root2 = Element.sqrt(2)
        var y = mapScalars { $0 / root2 }
        scalars.withUnsafeBufferPointer { x in
            y.scalars.withUnsafeMutableBufferPointer { b in
                guard let base = b.baseAddress else { return }
                Element.vectorErf(base, base, count: b.count)
                for i in 0..<b.count { b[i] = x[i] * (1 + b[i]) / 2 }
            }
        }
        return y
    }
}
