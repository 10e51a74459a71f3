import Foundation
import Layers
import Tensors
import Testing

/// Hand-computed checks of the cs231n word embedding, temporal affine and temporal softmax loss.
@Suite struct CS231nTemporalLayerTests {
    @Test func embeddingBackwardAccumulatesRepeatedWords() throws {
        let embedding = CS231nWordEmbedding<Double>(weight: Tensor(shape: [3, 2], scalars: [0, 1, 2, 3, 4, 5]))
        let x = Tensor<Int64>(shape: [1, 3], scalars: [1, 1, 0])
        #expect(try embedding(x).scalars == [2, 3, 2, 3, 0, 1])
        let dW = try embedding.backward(Tensor(shape: [1, 3, 2], scalars: [1, 2, 10, 20, 100, 200]), x: x)
        #expect(dW.scalars == [100, 200, 11, 22, 0, 0])
        #expect(throws: LayerError.self) { try embedding(Tensor(shape: [1, 1], scalars: [3])) }
    }

    @Test func temporalAffineAppliesOneMapAtEveryStep() throws {
        // w: (2, 1) = [[1], [2]], b = [0.5]
        let affine = CS231nTemporalAffine<Double>(w: Tensor(shape: [2, 1], scalars: [1, 2]), b: Tensor(shape: [1], scalars: [0.5]))
        let x = Tensor<Double>(shape: [1, 2, 2], scalars: [1, 1, 3, -1])
        #expect(try affine(x).scalars == [3.5, 1.5])
        let g = try affine.backward(Tensor(shape: [1, 2, 1], scalars: [1, 10]), x: x)
        #expect(g.dx.scalars == [1, 2, 10, 20])
        #expect(g.dw.scalars == [31, -9])
        #expect(g.db.scalars == [11])
    }

    @Test func softmaxLossIsMaskedSummedOverTimeAndDividedByN() throws {
        // Uniform scores over V = 2: every kept step costs log 2. N = 2, T = 2, three steps kept.
        let x = Tensor<Double>.zeros([2, 2, 2])
        let y = Tensor<Int64>(shape: [2, 2], scalars: [0, 1, 1, 1])
        let mask = Tensor<Bool>(shape: [2, 2], scalars: [true, false, true, true])
        let out = try CS231nTemporalSoftmaxLoss()(x, y, mask: mask)
        #expect(abs(out.loss.scalars[0] - 3 * Foundation.log(2.0) / 2) < 1e-15)
        // (probs - onehot) / N on kept steps, zero on the masked one.
        #expect(out.dx.scalars == [-0.25, 0.25, 0, 0, 0.25, -0.25, 0.25, -0.25])
    }
}
