extension Tensor where Element: TensorScalar {
    /// Batched matrix product through BLAS (`torch.matmul` for equal batch axes):
    /// `self: (..., m, k) x other: (..., k, n) -> (..., m, n)`; `transposeOther` reads `other` as `(..., n, k)`.
    /// A rank-2 `other` is shared by every batch (`x @ W.T` in a Linear layer).
    @_specialize(where Element == Float)
    @_specialize(where Element == Double)
    public func matmul(_ other: Tensor, transposeOther: Bool = false) -> Tensor {
        precondition(rank >= 2 && other.rank >= 2, "matmul of \(shape) and \(other.shape)")
        let m = shape[rank - 2]
        let k = shape[rank - 1]
        let otherK = transposeOther ? other.shape[other.rank - 1] : other.shape[other.rank - 2]
        let n = transposeOther ? other.shape[other.rank - 2] : other.shape[other.rank - 1]
        precondition(k == otherK, "matmul of \(shape) and \(other.shape)\(transposeOther ? "^T" : "")")
        let batchShape = Array(shape.dropLast(2))
        let shared = other.rank == 2
        precondition(
            shared || Array(other.shape.dropLast(2)) == batchShape,
            "matmul batch axes \(batchShape) and \(other.shape.dropLast(2))")
        let batches = batchShape.reduce(1, *)
        let total = batches * m * n
        guard m > 0, n > 0, k > 0 else { return Tensor(shape: batchShape + [m, n], repeating: 0) }
        // BLAS with beta 0 writes every element of C: no zero-fill first.
        let result = [Element](unsafeUninitializedCapacity: total) { c, initialized in
            self.scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { bs in
                    let (a, bs, c) = (a.baseAddress!, bs.baseAddress!, c.baseAddress!)
                    if shared {
                        // Fold the batch into the rows: one call for the whole tensor.
                        Element.gemm(
                            transposeA: false, transposeB: transposeOther, m: batches * m, n: n, k: k, alpha: 1,
                            a: a, lda: k, b: bs, ldb: transposeOther ? k : n, beta: 0, c: c, ldc: n)
                    } else if batches > 1 && ParallelChunks.batchInChunks(batches, m: m, n: n, k: k) {
                        // Many products (attention heads), each by one BLAS call in its chunk's thread.
                        ParallelChunks.run(count: batches, grain: Swift.max(1, 65_536 / (m * n * k))) { range in
                            for b in range {
                                Element.blasGemm(
                                    transposeA: false, transposeB: transposeOther, m: m, n: n, k: k, alpha: 1,
                                    a: a + b * m * k, lda: k, b: bs + b * k * n, ldb: transposeOther ? k : n,
                                    beta: 0, c: c + b * m * n, ldc: n)
                            }
                        }
                    } else {
                        for b in 0..<batches {
                            Element.gemm(
                                transposeA: false, transposeB: transposeOther, m: m, n: n, k: k, alpha: 1,
                                a: a + b * m * k, lda: k, b: bs + b * k * n, ldb: transposeOther ? k : n,
                                beta: 0, c: c + b * m * n, ldc: n)
                        }
                    }
                }
            }
            initialized = total
        }
        return Tensor(shape: batchShape + [m, n], scalars: result)
    }
}
