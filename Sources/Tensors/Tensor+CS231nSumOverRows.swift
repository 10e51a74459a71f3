extension Tensor where Element: TensorScalar {
    /// The sum over every axis but the last: `(..., M) -> (M)` (NumPy's `dout.sum(axis=0)` for a matrix,
    /// `dout.sum(axis=(0, 1))` for a `(N, T, M)` tensor, a bias gradient). Rows are added in row-major order.
    @inlinable
    public func cs231nSumOverRows() -> Tensor {
        precondition(rank >= 1, "summing the rows of a rank-0 tensor")
        let width = shape[rank - 1]
        guard width > 0 else { return Tensor(shape: [0], scalars: []) }
        var result = [Element](repeating: 0, count: width)
        let count = self.count
        scalars.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { r in
                var start = 0
                while start < count {
                    for j in 0..<width { r[j] += a[start + j] }
                    start += width
                }
            }
        }
        return Tensor(shape: [width], scalars: result)
    }

    /// Tensors of equal shape `(N, H)` stacked along a new axis 1: `T x (N, H) -> (N, T, H)` (`np.stack(axis=1)`,
    /// or filling `h[:, t]` step by step).
    @inlinable
    public static func cs231nStackedAlongAxis1(_ steps: [Tensor]) -> Tensor {
        precondition(!steps.isEmpty, "stacking nothing")
        let shape = steps[0].shape
        precondition(steps.allSatisfy { $0.shape == shape }, "stacking tensors of different shapes")
        let parts = steps.map { $0.reshaped([shape[0], 1] + Array(shape.dropFirst())) }
        return concatenated(parts, axis: 1)
    }
}
