import Foundation
import Layers
import Tensors
import Testing

/// Hand-computed checks of the cs231n vanilla RNN step and sequence (RNN_Captioning.ipynb semantics).
@Suite struct CS231nRNNLayerTests {
    let cell = CS231nRNNCell<Double>(
        wx: Tensor(shape: [1, 1], scalars: [0.2]), wh: Tensor(shape: [1, 1], scalars: [0.4]),
        b: Tensor(shape: [1], scalars: [0.1]))

    @Test func stepForwardIsTanhOfTheAffineSum() throws {
        // a = 1 * 0.2 + 0.5 * 0.4 + 0.1 = 0.5
        let next = try cell(Tensor(shape: [1, 1], scalars: [1]), prevH: Tensor(shape: [1, 1], scalars: [0.5]))
        #expect(abs(next.scalars[0] - Foundation.tanh(0.5)) < 1e-15)
    }

    @Test func stepBackwardUsesOneMinusNextHSquared() throws {
        let x = Tensor<Double>(shape: [1, 1], scalars: [1])
        let prev = Tensor<Double>(shape: [1, 1], scalars: [0.5])
        let next = try cell(x, prevH: prev)
        let g = try cell.backward(Tensor(shape: [1, 1], scalars: [2]), x: x, prevH: prev, nextH: next)
        let da = 2 * (1 - Foundation.tanh(0.5) * Foundation.tanh(0.5))
        #expect(abs(g.da.scalars[0] - da) < 1e-15)
        #expect(abs(g.dx.scalars[0] - da * 0.2) < 1e-15)
        #expect(abs(g.dprevH.scalars[0] - da * 0.4) < 1e-15)
        #expect(abs(g.dWx.scalars[0] - da * 1) < 1e-15)
        #expect(abs(g.dWh.scalars[0] - da * 0.5) < 1e-15)
        #expect(abs(g.db.scalars[0] - da) < 1e-15)
    }

    @Test func sequenceFeedsEachStateIntoTheNext() throws {
        let rnn = CS231nRNN(cell: cell)
        let x = Tensor<Double>(shape: [1, 2, 1], scalars: [1, -1])
        let h = try rnn(x, h0: Tensor(shape: [1, 1], scalars: [0.5]))
        let h1 = Foundation.tanh(0.5)
        let h2 = Foundation.tanh(-0.2 + 0.4 * h1 + 0.1)
        #expect(h.shape == [1, 2, 1])
        #expect(abs(h.scalars[0] - h1) < 1e-15 && abs(h.scalars[1] - h2) < 1e-15)
    }

    @Test func sequenceBackwardMatchesFiniteDifferences() throws {
        let rnn = CS231nRNN(cell: CS231nRNNCell<Double>(
            wx: Tensor(shape: [2, 2], scalars: [0.3, -0.2, 0.5, 0.1]),
            wh: Tensor(shape: [2, 2], scalars: [0.4, 0.2, -0.3, 0.6]),
            b: Tensor(shape: [2], scalars: [0.05, -0.1])))
        let x = Tensor<Double>(shape: [1, 3, 2], scalars: [0.1, -0.4, 0.7, 0.2, -0.5, 0.3])
        let h0 = Tensor<Double>(shape: [1, 2], scalars: [0.2, -0.1])
        let dout = Tensor<Double>(shape: [1, 3, 2], scalars: [1, -0.5, 0.3, 0.8, -1, 0.2])
        let h = try rnn(x, h0: h0)
        let g = try rnn.backward(dout, x: x, h0: h0, h: h)
        // d/dx[k] of sum(dout * h), centered differences.
        for k in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[k] += 1e-6
            minus.scalars[k] -= 1e-6
            let f = { (x: Tensor<Double>) throws -> Double in (try rnn(x, h0: h0) * dout).sum() }
            let numeric = (try f(plus) - (try f(minus))) / 2e-6
            #expect(abs(g.dx.scalars[k] - numeric) < 1e-8)
        }
    }
}
