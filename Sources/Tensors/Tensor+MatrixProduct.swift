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
        var result = [Element](repeating: 0, count: batches * m * n)
        if shared {
            // Fold the batch into the rows: one call for the whole tensor.
            Tensor.gemm(
                self.scalars, 0, other.scalars, 0, into: &result, 0, m: batches * m, n: n, k: k,
                transposeB: transposeOther)
        } else if batches > 1 && ParallelChunks.blasRunsInline(m: m, n: n, k: k) && m > 0 && n > 0 && k > 0 {
            // Many small products (attention heads), each computed by BLAS in the calling thread: in parallel chunks.
            self.scalars.withUnsafeBufferPointer { a in
                other.scalars.withUnsafeBufferPointer { bs in
                    result.withUnsafeMutableBufferPointer { c in
                        let (a, bs, c) = (a.baseAddress!, bs.baseAddress!, c.baseAddress!)
                        ParallelChunks.run(count: batches, grain: Swift.max(1, 65_536 / (m * n * k))) { range in
                            for b in range {
                                Element.gemm(
                                    transposeA: false, transposeB: transposeOther, m: m, n: n, k: k, alpha: 1,
                                    a: a + b * m * k, lda: k, b: bs + b * k * n, ldb: transposeOther ? k : n,
                                    beta: 0, c: c + b * m * n, ldc: n)
                            }
                        }
                    }
                }
            }
        } else {
            for b in 0..<batches {
                Tensor.gemm(
                    self.scalars, b * m * k, other.scalars, b * k * n, into: &result, b * m * n, m: m, n: n, k: k,
                    transposeB: transposeOther)
            }
        }
        return Tensor(shape: batchShape + [m, n], scalars: result)
    }

    private static func gemm(
        _ a: [Element], _ aOffset: Int, _ b: [Element], _ bOffset: Int, into c: inout [Element], _ cOffset: Int,
        m: Int, n: Int, k: Int, transposeB: Bool
    ) {
        guard m > 0, n > 0, k > 0 else { return }  // an empty product leaves zeros
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Element.gemm(
                        transposeA: false, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                        a: a.baseAddress! + aOffset, lda: k, b: b.baseAddress! + bOffset, ldb: transposeB ? k : n,
                        beta: 0, c: c.baseAddress! + cOffset, ldc: n)
                }
            }
        }
    }
}
