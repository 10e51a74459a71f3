extension Tensor where Element: TensorScalar {
    /// `self^T @ other` with the leading axes of both folded into rows: `self: (..., m) x other: (..., n) -> (m, n)`,
    /// both with the same number of rows `R = count / m` (a weight gradient `dY^T X` of a Linear layer over every
    /// position of a batch). One BLAS call with `op(A) = A^T`.
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func transposedMatmul(_ other: Tensor) -> Tensor {
        precondition(rank >= 1 && other.rank >= 1, "transposedMatmul of \(shape) and \(other.shape)")
        let m = shape[rank - 1]
        let n = other.shape[other.rank - 1]
        let rows = m == 0 ? 0 : count / m
        precondition(n == 0 || other.count / n == rows, "transposedMatmul of \(shape) and \(other.shape): row counts differ")
        guard m > 0, n > 0, rows > 0 else { return Tensor(shape: [m, n], repeating: 0) }
        // BLAS with beta 0 writes every element of C: no zero-fill first.
        let result = [Element](unsafeUninitializedCapacity: m * n) { c, initialized in
            scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { b in
                    Element.gemm(
                        transposeA: true, transposeB: false, m: m, n: n, k: rows, alpha: 1,
                        a: a.baseAddress!, lda: m, b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
            initialized = m * n
        }
        return Tensor(shape: [m, n], scalars: result)
    }
}
