import Testing
import Tensors

@Suite struct TransposedProductTests {
    @Test func transposedMatmulIsATransposeTimesB() {
        // A = [[1,2],[3,4],[5,6]] (3 rows), B = [[1,0,2],[0,1,1],[1,1,0]]:
        // A^T B = [[1+0+5, 0+3+5, 2+3+0], [2+0+6, 0+4+6, 4+4+0]] = [[6,8,5],[8,10,8]]
        let a = Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let b = Tensor<Double>(shape: [3, 3], scalars: [1, 0, 2, 0, 1, 1, 1, 1, 0])
        let c = a.transposedMatmul(b)
        #expect(c.shape == [2, 3])
        #expect(c.scalars == [6, 8, 5, 8, 10, 8])
    }

    @Test func leadingAxesAreFoldedIntoRows() {
        // (2, 3, 2) and (2, 3, 3) sum over all 6 rows: the same as the (6, 2) and (6, 3) matrices.
        let a = Tensor<Float>(shape: [2, 3, 2], scalars: (0..<12).map { Float($0) })
        let b = Tensor<Float>(shape: [2, 3, 3], scalars: (0..<18).map { Float($0 % 5) })
        let folded = a.reshaped([6, 2]).transposedMatmul(b.reshaped([6, 3]))
        #expect(a.transposedMatmul(b) == folded)
        #expect(folded == a.reshaped([6, 2]).transposedLastTwo().matmul(b.reshaped([6, 3])))
    }
}
