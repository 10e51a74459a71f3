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
        scalars.withUnsafeBufferPointer { x in
            Tensor.build(shape: shape) { out in
                guard let o = out.baseAddress, let x = x.baseAddress else { return }
                ParallelChunks.run(count: out.count, grain: Self.elementwiseGrain) { chunk in
                    for range in Self.blocks(of: chunk) {
                        for i in range { (o + i).initialize(to: -x[i]) }
                        Element.vectorExp(o + range.lowerBound, o + range.lowerBound, count: range.count)
                        for i in range { o[i] = 1 / (1 + o[i]) }
                    }
                }
            }
        }
    }

    /// `tanh(x)` elementwise.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func tanh() -> Tensor {
        scalars.withUnsafeBufferPointer { x in
            Tensor.build(shape: shape) { out in
                guard let o = out.baseAddress, let x = x.baseAddress else { return }
                ParallelChunks.run(count: out.count, grain: Self.elementwiseGrain) { range in
                    Element.vectorTanh(x + range.lowerBound, o + range.lowerBound, count: range.count)
                }
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
        return scalars.withUnsafeBufferPointer { x in
            Tensor.build(shape: shape) { out in
                guard let o = out.baseAddress, let x = x.baseAddress else { return }
                ParallelChunks.run(count: out.count, grain: Self.elementwiseGrain) { chunk in
                    // The three passes block by block, so that each block stays in L1 between them.
                    for range in Self.blocks(of: chunk) {
                        for i in range { (o + i).initialize(to: x[i] / root2) }
                        Element.vectorErf(o + range.lowerBound, o + range.lowerBound, count: range.count)
                        for i in range { o[i] = x[i] * (1 + o[i]) / 2 }
                    }
                }
            }
        }
    }

    /// `range` cut into blocks of 2048 elements (8 KiB of Float), the unit of an activation's passes.
    @usableFromInline
    static func blocks(of range: Range<Int>) -> LazyMapSequence<StrideTo<Int>, Range<Int>> {
        stride(from: range.lowerBound, to: range.upperBound, by: 2048).lazy.map {
            $0..<Swift.min($0 + 2048, range.upperBound)
        }
    }

    /// Elements per parallel chunk of a transcendental activation, below which it runs on one core.
    @usableFromInline
    static var elementwiseGrain: Int { 32_768 }
}
