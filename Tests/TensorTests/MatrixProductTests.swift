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
}
