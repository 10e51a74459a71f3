import Foundation
import Layers
import Tensors
import Testing

/// Hand-computed checks of the cs231n LSTM: gate order i, f, o, g (not PyTorch's i, f, g, o) and c0 = 0.
@Suite struct CS231nLSTMLayerTests {
    func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }

    /// H = 1, zero weights: the gates are the sigmoid/tanh of the bias blocks alone.
    func biasOnlyCell(_ b: [Double]) -> CS231nLSTMCell<Double> {
        CS231nLSTMCell(wx: .zeros([1, 4]), wh: .zeros([1, 4]), b: Tensor(shape: [4], scalars: b))
    }

    @Test func gatesAreSplitInOrderIFOG() throws {
        let step = try biasOnlyCell([0.1, 0.2, 0.3, 0.4])(
            .zeros([1, 1]), prevH: .zeros([1, 1]), prevC: Tensor(shape: [1, 1], scalars: [1]))
        #expect(abs(step.i.scalars[0] - sigmoid(0.1)) < 1e-15)
        #expect(abs(step.f.scalars[0] - sigmoid(0.2)) < 1e-15)
        #expect(abs(step.o.scalars[0] - sigmoid(0.3)) < 1e-15)
        #expect(abs(step.g.scalars[0] - Foundation.tanh(0.4)) < 1e-15)
        let c = sigmoid(0.2) * 1 + sigmoid(0.1) * Foundation.tanh(0.4)
        #expect(abs(step.nextC.scalars[0] - c) < 1e-15)
        #expect(abs(step.nextH.scalars[0] - sigmoid(0.3) * Foundation.tanh(c)) < 1e-15)
    }

    @Test func stableSigmoidAgreesOnBothBranches() {
        for x in [-30.0, -2.5, -1e-3, 0, 1e-3, 2.5, 30] {
            #expect(abs(CS231nLSTMCell<Double>.sigmoid(x) - sigmoid(x)) < 1e-15)
        }
    }

    @Test func sequenceStartsFromZeroCellState() throws {
        let lstm = CS231nLSTM(cell: biasOnlyCell([0, 0, 0, 1]))
        let out = try lstm(.zeros([1, 1, 1]), h0: Tensor(shape: [1, 1], scalars: [5]))
        // c1 = f * c0 + i * g = 0.5 * 0 + 0.5 * tanh(1)
        #expect(abs(out.c.scalars[0] - 0.5 * Foundation.tanh(1)) < 1e-15)
        #expect(abs(out.h.scalars[0] - 0.5 * Foundation.tanh(0.5 * Foundation.tanh(1))) < 1e-15)
    }

    @Test func stepBackwardMatchesFiniteDifferences() throws {
        let cell = CS231nLSTMCell<Double>(
            wx: Tensor(shape: [1, 8], scalars: [0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.7, -0.6]),
            wh: Tensor(shape: [2, 8], scalars: (0..<16).map { Double($0) * 0.07 - 0.5 }),
            b: Tensor(shape: [8], scalars: [0.1, -0.1, 0.2, 0, 0.3, -0.2, 0.05, 0.15]))
        let x = Tensor<Double>(shape: [1, 1], scalars: [0.8])
        let h = Tensor<Double>(shape: [1, 2], scalars: [0.2, -0.3])
        let c = Tensor<Double>(shape: [1, 2], scalars: [0.5, -0.7])
        let dh = Tensor<Double>(shape: [1, 2], scalars: [1, -0.4])
        let dc = Tensor<Double>(shape: [1, 2], scalars: [0.3, 0.9])
        let step = try cell(x, prevH: h, prevC: c)
        let g = try cell.backward(dnextH: dh, dnextC: dc, x: x, prevH: h, prevC: c, step: step)
        let f = { (c: Tensor<Double>) throws -> Double in
            let s = try cell(x, prevH: h, prevC: c)
            return (s.nextH * dh).sum() + (s.nextC * dc).sum()
        }
        for k in 0..<c.count {
            var plus = c, minus = c
            plus.scalars[k] += 1e-6
            minus.scalars[k] -= 1e-6
            #expect(abs(g.dprevC.scalars[k] - (try f(plus) - (try f(minus))) / 2e-6) < 1e-8)
        }
    }
}
