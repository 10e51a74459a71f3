import Testing
import Tensors

@Suite struct MatrixProductTests {
    @Test func matmulOfTwoMatrices() {
        // [[1,2,3],[4,5,6]] x [[1,0],[0,1],[1,1]] = [[4,5],[10,11]]
        let a = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Double>(shape: [3, 2], scalars: [1, 0, 0, 1, 1, 1])
        #expect(a.matmul(b).scalars == [4, 5, 10, 11])
        #expect(a.matmul(b.transposedLastTwo(), transposeOther: true).scalars == [4, 5, 10, 11])
    }

    @Test func batchedMatmulMultipliesEachBatch() {
        let a = Tensor<Float>(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let b = Tensor<Float>(shape: [2, 2, 1], scalars: [1, 1, 2, 0])
        let c = a.matmul(b)
        #expect(c.shape == [2, 1, 1])
        #expect(c.scalars == [3, 6])
    }

    @Test func aSharedMatrixAppliesToEveryBatch() {
        let x = Tensor<Float>(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 2, 0, 0, 2])
        let w = Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let y = x.matmul(w, transposeOther: true)  // x @ w.T
        #expect(y.shape == [2, 2, 3])
        #expect(y.scalars == [1, 3, 5, 2, 4, 6, 2, 6, 10, 4, 8, 12])
    }

    /// A one-row product takes the matrix-vector path (gemv); every transpose combination and beta must give what
    /// the same row gives inside a two-row product (gemm), including beta 0 over garbage in C.
    @Test func oneRowProductsMatchTheGeneralPath() {
        let (k, n) = (3, 4)
        let a: [Double] = [1, -2, 3, 0.5, 4, -1]               // (2, 3); transposed storage below
        let aT: [Double] = [1, 0.5, -2, 4, 3, -1]              // (3, 2)
        let b: [Double] = (0..<(k * n)).map { Double($0) - 5 }  // (3, 4)
        let bT: [Double] = (0..<n).flatMap { j in (0..<k).map { i in b[i * n + j] } }  // (4, 3)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for beta in [0.0, 1.0] {
                    let (aData, lda) = transposeA ? (aT, 2) : (a, k)
                    let (bData, ldb) = transposeB ? (bT, k) : (b, n)
                    var both = [Double](repeating: 1, count: 2 * n)
                    Double.gemm(transposeA: transposeA, transposeB: transposeB, m: 2, n: n, k: k, alpha: 2,
                                a: aData, lda: lda, b: bData, ldb: ldb, beta: beta, c: &both, ldc: n)
                    var one = [Double](repeating: beta == 0 ? .nan : 1, count: n)
                    Double.gemm(transposeA: transposeA, transposeB: transposeB, m: 1, n: n, k: k, alpha: 2,
                                a: aData, lda: lda, b: bData, ldb: ldb, beta: beta, c: &one, ldc: n)
                    #expect(one == Array(both[0..<n]), "transposeA \(transposeA) transposeB \(transposeB) beta \(beta)")
                }
            }
        }
    }
}
