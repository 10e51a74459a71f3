import Testing
import Tensors

@Suite struct TensorShapeTests {
    let x = Tensor<Float>(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))

    @Test func permutedMovesAxes() {
        let y = x.permuted([2, 0, 1])
        #expect(y.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(y[k, i, j] == x[i, j, k]) } } }
    }

    @Test func transposedLastTwoSwapsTheMatrixAxes() {
        let y = x.transposedLastTwo()
        #expect(y.shape == [2, 4, 3])
        #expect(y[1, 3, 2] == x[1, 2, 3])
    }

    @Test func sliceAndSelectKeepRowMajorOrder() {
        #expect(x.slice(axis: 1, 2..<3).scalars == [8, 9, 10, 11, 20, 21, 22, 23])
        #expect(x.select(axis: 2, 1).shape == [2, 3])
        #expect(x.select(axis: 2, 1).scalars == [1, 5, 9, 13, 17, 21])
    }

    @Test func concatenatedJoinsAlongAnAxis() {
        let a = Tensor<Float>(shape: [2, 1], scalars: [1, 2])
        let b = Tensor<Float>(shape: [2, 2], scalars: [3, 4, 5, 6])
        #expect(Tensor.concatenated([a, b], axis: 1).scalars == [1, 3, 4, 2, 5, 6])
        #expect(Tensor.concatenated([b, b], axis: 0).shape == [4, 2])
    }

    @Test func reshapedInfersOneAxis() {
        #expect(x.reshaped([-1, 4]).shape == [6, 4])
        #expect(x.reshaped([6, 4]).scalars == x.scalars)
    }

    @Test func broadcastRepeatsSizeOneAxes() throws {
        let mask = Tensor<Bool>(shape: [2, 1, 3], scalars: [true, false, true, false, true, true])
        let full = try #require(mask.broadcasted(to: [2, 2, 3]))
        #expect(full.scalars == [true, false, true, true, false, true, false, true, true, false, true, true])
        #expect(mask.broadcasted(to: [2, 2, 2]) == nil)
        let row = Tensor<Float>(shape: [3], scalars: [1, 2, 3])
        #expect(row.broadcasted(to: [2, 3])?.scalars == [1, 2, 3, 1, 2, 3])
    }

    @Test func indexOfOffsetInvertsRowMajorOrder() {
        #expect(x.index(ofOffset: 23) == [1, 2, 3])
        #expect(x.index(ofOffset: 5) == [0, 1, 1])
        #expect(Tensor<Float>.index(ofOffset: 0, in: []) == [])
    }
}
