import Testing
import Tensors

@Suite struct ReductionTests {
    /// `TensorScalar.maximum` (four running maxima) finds the largest value wherever it sits, for every length up to
    /// 3 x 4 + 3 (each lane and the tail), and `-infinity` for none.
    @Test func maximumFindsTheLargestAtEveryPosition() {
        #expect(Float.maximum([Float](), count: 0) == -.infinity)
        for count in 1...15 {
            for position in 0..<count {
                var values = (0..<count).map { Double(-$0) - 0.5 }
                values[position] = 3
                #expect(Double.maximum(values, count: count) == 3, "count \(count), largest at \(position)")
                let floats = values.map(Float.init)
                #expect(Float.maximum(floats, count: count) == 3, "count \(count), largest at \(position)")
            }
        }
    }

    @Test func softmaxOfARow() {
        let s = Tensor<Double>(shape: [1, 3], scalars: [0, 0, .log(2)]).softmaxLastAxis()
        #expect(s.scalars == [0.25, 0.25, 0.5])
    }

    @Test func softmaxOfAnAllMinusInfinityRowIsNaN() {
        let s = Tensor<Float>(shape: [2, 2], scalars: [-.infinity, -.infinity, 0, -.infinity]).softmaxLastAxis()
        #expect(s.scalars[0].isNaN && s.scalars[1].isNaN)
        #expect(s.scalars[2...] == [1, 0])
    }

    @Test func logSoftmaxIsLogOfSoftmax() {
        let x = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, -1, 0, 5])
        let direct = x.logSoftmaxLastAxis().scalars
        let viaSoftmax = x.softmaxLastAxis().scalars.map { Double.log($0) }
        for (a, b) in zip(direct, viaSoftmax) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func meanOverAnAxis() {
        let x = Tensor<Double>(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(x.mean(axis: 1).scalars == [2, 3, 6, 7])
        #expect(x.mean() == 4.5)
    }

    @Test func filledReplacesMaskedElements() throws {
        let scores = Tensor<Float>(shape: [1, 2, 2], scalars: [1, 2, 3, 4])
        let keep = Tensor<Bool>(shape: [1, 1, 2], scalars: [true, false])
        #expect(try #require(scores.filled(-1e9, whereNot: keep)).scalars == [1, -1e9, 3, -1e9])
    }
}
