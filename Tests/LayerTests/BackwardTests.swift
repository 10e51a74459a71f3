import Foundation
import Layers
import Tensors
import Testing

/// Hand-computed checks of the backward passes the training replays use (Linear, activations, Dropout, BatchNorm1d in
/// train mode, BCE, L1) and of Adam's bias corrections; the PyTorch parity of whole training steps is in
/// fixtures/aae_train.h5 and fixtures/vit_train.h5.
@Suite struct BackwardTests {
    @Test func linearBackwardIsDyWAndDyTransposedX() throws {
        // W (3 out, 2 in), x (2 rows), dy (2 rows, 3 out)
        let linear = Linear<Float>(
            weight: Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), bias: Tensor(shape: [3], scalars: [0, 0, 0]))
        let x = Tensor<Float>(shape: [2, 2], scalars: [1, -1, 2, 0])
        let dy = Tensor<Float>(shape: [2, 3], scalars: [1, 0, -1, 0, 2, 1])
        let g = try linear.backward(dy, x: x)
        #expect(g.dx.scalars == [-4, -4, 11, 14])                 // dy W: [1,2] - [5,6]; 2 [3,4] + [5,6]
        #expect(g.dWeight.shape == [3, 2])
        #expect(g.dWeight.scalars == [1, -1, 4, 0, 1, 1])         // dy^T x (x^T dy reshaped would be [1,4,1,-1,0,1])
        #expect(g.dBias?.scalars == [1, 2, 0])                    // column sums of dy
        // Leading axes fold into rows: the same numbers for a (1, 2, 2) input.
        let folded = try linear.backward(dy.reshaped([1, 2, 3]), x: x.reshaped([1, 2, 2]))
        #expect(folded.dx.shape == [1, 2, 2])
        #expect(folded.dWeight.scalars == g.dWeight.scalars)
        #expect(throws: LayerError.self) { try linear.backward(dy.reshaped([3, 2]), x: x) }
    }

    @Test func activationDerivatives() {
        let dy = Tensor<Float>(shape: [3], scalars: [1, 2, 4])
        #expect(ActivationBackward.relu(dy, output: Tensor(shape: [3], scalars: [0, 0.5, 2])).scalars == [0, 2, 4])
        #expect(ActivationBackward.tanh(dy, output: Tensor(shape: [3], scalars: [0.5, 0, -0.5])).scalars == [0.75, 2, 3])
        #expect(ActivationBackward.sigmoid(dy, output: Tensor(shape: [3], scalars: [0.25, 0.5, 1])).scalars == [0.1875, 0.5, 0])
    }

    @Test func geluDerivativeIsPhiPlusXTimesPhiDensity() {
        // d/dx x Phi(x) = Phi(x) + x phi(x): Phi(1) = 0.841344746068543, phi(1) = 0.241970724519143
        let x = Tensor<Double>(shape: [4], scalars: [1, -1, 0, 3])
        let dx = ActivationBackward.gelu(Tensor(shape: [4], repeating: 1), input: x)
        let expected = [0.841344746068543 + 0.241970724519143, 0.158655253931457 - 0.241970724519143, 0.5,
                        0.998650101968370 + 3 * 0.004431848411938]
        for (a, b) in zip(dx.scalars, expected) { #expect(abs(a - b) < 1e-14) }
        // and it is the slope of the forward GELU (central differences)
        for v in stride(from: -4.0, through: 4.0, by: 0.37) {
            let h = 1e-6
            let slope = (Activation.gelu(v + h) - Activation.gelu(v - h)) / (2 * h)
            let d = ActivationBackward.gelu(Tensor(shape: [1], scalars: [1.0]), input: Tensor(shape: [1], scalars: [v]))
            #expect(abs(d.scalars[0] - slope) < 1e-8, "at \(v)")
        }
    }

    @Test func dropoutBackwardKeepsTheMaskAndTheScale() throws {
        let d = Dropout<Float>(p: 0.5)
        let mask = Tensor<Bool>(shape: [2], scalars: [true, false])
        #expect(try d.backward(Tensor(shape: [2], scalars: [1, 2]), mask: mask).scalars == [2, 0])
        #expect(try d.backward(Tensor(shape: [2], scalars: [1, 2]), mask: nil).scalars == [1, 2])
    }

    @Test func batchNormTrainingBackwardHasTheBatchStatisticsTerms() throws {
        // one channel, x = 1, 1, 3, 3: mean 2, biased var 1, invstd 1 (eps 0); dy = 1, 0, 0, 0; weight 1
        // sum dy = 1, dot = sum dy (x - mean) = -1, k = dot / N = -1/4
        // dx = dy - 1/4 - (x - mean) k = (0.5, -0.5, 0, 0); without the mean term (0.75, -0.25, 0.25, 0.25),
        // without the variance term (0.75, -0.25, -0.25, -0.25), eval-style dy * invstd * w (1, 0, 0, 0)
        let bn = BatchNorm1d<Float>(
            weight: Tensor(shape: [1], scalars: [1]), bias: Tensor(shape: [1], scalars: [0]),
            runningMean: Tensor(shape: [1], scalars: [0]), runningVar: Tensor(shape: [1], scalars: [1]),
            numBatchesTracked: 0, eps: 0)
        let g = try bn.trainingBackward(
            input: Tensor(shape: [4, 1], scalars: [1, 1, 3, 3]), outputGradient: Tensor(shape: [4, 1], scalars: [1, 0, 0, 0]))
        #expect(g.dx.scalars == [0.5, -0.5, 0, 0])
        #expect(g.dWeight.scalars == [-1])                          // dot * invstd
        #expect(g.dBias.scalars == [1])                             // sum dy
    }

    @Test func batchNormTrainingBackwardMatchesCentralDifferences() throws {
        // L = sum(c * y) over a (3, 2) batch, y the train-mode output: dL/dx by the backward and by differences.
        let weight = Tensor<Double>(shape: [2], scalars: [1.5, -0.7])
        let bias = Tensor<Double>(shape: [2], scalars: [0.2, 0.1])
        func bn() -> BatchNorm1d<Double> {
            BatchNorm1d(weight: weight, bias: bias, runningMean: .zeros([2]), runningVar: Tensor(shape: [2], repeating: 1),
                        numBatchesTracked: 0, eps: 1e-3)
        }
        let x = Tensor<Double>(shape: [3, 2], scalars: [0.3, -1.2, 2.0, 0.4, -0.5, 0.9])
        let c = Tensor<Double>(shape: [3, 2], scalars: [1.0, -2.0, 0.5, 0.25, -1.5, 3.0])
        func loss(_ x: Tensor<Double>) throws -> Double {
            var layer = bn()
            return (try layer(x, training: true) * c).scalars.reduce(0, +)
        }
        let g = try bn().trainingBackward(input: x, outputGradient: c)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += 1e-6
            minus.scalars[i] -= 1e-6
            let slope = (try loss(plus) - loss(minus)) / 2e-6
            #expect(abs(g.dx.scalars[i] - slope) < 1e-7, "dx[\(i)]: \(g.dx.scalars[i]) vs \(slope)")
        }
    }

    @Test func binaryCrossEntropyBackward() throws {
        // (x - t) / ((1 - x) x) / numel * g: (0.25 - 1) / 0.1875 = -4, (0.5 - 0) / 0.25 = 2; / 2 elements; * 0.5
        let dx = try BinaryCrossEntropyLoss().backward(
            Tensor<Float>(shape: [2, 1], scalars: [0.25, 0.5]), Tensor(shape: [2, 1], scalars: [1, 0]), lossGradient: 0.5)
        #expect(dx.scalars == [-1, 0.5])
        // at x = 0 the denominator is clamped at 1e-12, as PyTorch's EPSILON: finite, not inf
        let edge = try BinaryCrossEntropyLoss().backward(
            Tensor<Double>(shape: [1], scalars: [0]), Tensor(shape: [1], scalars: [1]), lossGradient: 1)
        #expect(edge.scalars == [-1e12])
    }

    @Test func l1BackwardIsTheSignTimesTheShare() throws {
        let dx = try L1Loss().backward(
            Tensor<Float>(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [3], scalars: [2, 2, 1]), lossGradient: 0.75)
        #expect(dx.scalars == [-0.25, 0, 0.25])
    }

    @Test func adamFirstStepsWithBiasCorrection() throws {
        // lr 0.1, betas (0.5, 0.999), eps 0. Step 1: m = 0.5 g, v = 0.001 g^2, m^ = g, v^ = g^2: p -= 0.1 sign(g).
        // Step 2 with g = 0: m = 0.25 g1, v = 0.999 * 0.001 g1^2; m^ = m / 0.75, v^ = v / (1 - 0.999^2):
        // p -= 0.1 * (0.5 / 0.75) / sqrt(0.003996 / 0.001999) for g1 = 2 (and the mirror for g1 = -0.5).
        var adam = Adam<Double>(learningRate: 0.1, betas: (0.5, 0.999), eps: 0)
        var parameters = ["w": Tensor<Double>(shape: [2], scalars: [1, 1])]
        try adam.step(&parameters, gradients: ["w": Tensor(shape: [2], scalars: [2, -0.5])])
        #expect(parameters["w"]!.scalars.enumerated().allSatisfy { abs($0.element - [0.9, 1.1][$0.offset]) < 1e-15 })
        try adam.step(&parameters, gradients: ["w": Tensor(shape: [2], scalars: [0, 0])])
        let move = 0.1 * (0.5 / 0.75) / (0.003996 / 0.001999).squareRoot()
        #expect(abs(parameters["w"]!.scalars[0] - (0.9 - move)) < 1e-12)
        #expect(abs(parameters["w"]!.scalars[1] - (1.1 + move)) < 1e-12)   // torch: 0.852847752486688, 1.147152247513312
        #expect(adam.steps["w"] == 2)
        #expect(throws: LayerError.self) { try adam.step(&parameters, gradients: ["v": Tensor(shape: [2], repeating: 0)]) }
    }
}
