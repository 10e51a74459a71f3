import Foundation
import Layers
import Testing
import Tensors

@Suite struct LossGradientTests {
    @Test func crossEntropyGradientIsSoftmaxMinusOneHotOverN() throws {
        // Row 0: logits [0, ln 3] -> softmax [1/4, 3/4], target 0 -> [-3/4, 3/4]; row 1: [0, 0] -> [1/2, 1/2],
        // target 1 -> [1/2, -1/2]; both divided by N = 2.
        let logits = Tensor<Double>(shape: [2, 2], scalars: [0, Double.log(3), 0, 0])
        let g = try CrossEntropyLoss().gradient(logits, Tensor(shape: [2], scalars: [0, 1]))
        for (actual, expected) in zip(g.scalars, [-0.375, 0.375, 0.25, -0.25]) { #expect(abs(actual - expected) < 1e-15) }
        #expect(throws: LayerError.self) { try CrossEntropyLoss().gradient(logits, Tensor(shape: [2], scalars: [0, 2])) }
    }

    @Test func linearBackwardByHand() throws {
        // y = x W^T + b with W = [[1, 2], [3, 4], [5, 6]] (3 x 2); x = [[1, -1]], dy = [[1, 0, 2]]:
        // dx = dy W = [1 + 10, 2 + 12] = [11, 14]; dW = dy^T x = [[1, -1], [0, 0], [2, -2]]; db = [1, 0, 2].
        let linear = Linear<Double>(
            weight: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), bias: Tensor(shape: [3], scalars: [0, 0, 0]))
        let g = try linear.backward(Tensor(shape: [1, 3], scalars: [1, 0, 2]), x: Tensor(shape: [1, 2], scalars: [1, -1]))
        #expect(g.dx.scalars == [11, 14])
        #expect(g.dWeight.shape == [3, 2])
        #expect(g.dWeight.scalars == [1, -1, 0, 0, 2, -2])
        #expect(g.dBias?.scalars == [1, 0, 2])
    }
}
