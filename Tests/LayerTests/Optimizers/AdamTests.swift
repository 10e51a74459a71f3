import Layers
import Testing
import Tensors

@Suite struct AdamTests {
    /// The textbook form, written independently of the implementation: m_hat / (sqrt(v_hat) + eps).
    private func textbook(_ p0: Double, _ gradients: [Double], lr: Double, b1: Double, b2: Double, eps: Double) -> [Double] {
        var (p, m, v) = (p0, 0.0, 0.0)
        var trajectory: [Double] = []
        for (t, g) in gradients.enumerated() {
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            let mHat = m / (1 - Double.pow(b1, t + 1))
            let vHat = v / (1 - Double.pow(b2, t + 1))
            p -= lr * mHat / (vHat.squareRoot() + eps)
            trajectory.append(p)
        }
        return trajectory
    }

    @Test func threeStepsFollowTheBiasCorrectedUpdate() throws {
        let gradients: [[Double]] = [[0.3, -2.0], [0.1, -1.5], [-0.4, 0.25]]
        var adam = Adam<Double>(learningRate: 0.01, betas: (0.5, 0.999), eps: 1e-8)
        var parameters = ["w": Tensor<Double>(shape: [2], scalars: [1.0, -0.5])]
        var trajectory: [[Double]] = []
        for g in gradients {
            try adam.step(&parameters, gradients: ["w": Tensor(shape: [2], scalars: g)])
            trajectory.append(parameters["w"]!.scalars)
        }
        for element in 0..<2 {
            let expected = textbook([1.0, -0.5][element], gradients.map { $0[element] }, lr: 0.01, b1: 0.5, b2: 0.999, eps: 1e-8)
            for step in 0..<3 {
                #expect(abs(trajectory[step][element] - expected[step]) <= 1e-15 * abs(expected[step]) + 1e-17)
            }
        }
        #expect(adam.steps["w"] == 3)
    }

    @Test func theFirstStepMovesEachParameterByAboutTheLearningRate() throws {
        // m = (1 - b1) g, v = (1 - b2) g^2: after bias correction the step is lr * g / (|g| + eps).
        var adam = Adam<Float>(learningRate: 1e-3)
        var parameters = ["p": Tensor<Float>(shape: [3], scalars: [0, 0, 0])]
        try adam.step(&parameters, gradients: ["p": Tensor(shape: [3], scalars: [5, -0.02, 1e-3])])
        #expect(parameters["p"]!.scalars.map { ($0 * 1e6).rounded() / 1e6 } == [-1e-3, 1e-3, -1e-3])
    }

    @Test func onlyParametersWithAGradientStep() throws {
        var adam = Adam<Float>()
        var parameters = ["a": Tensor<Float>(shape: [1], scalars: [1]), "b": Tensor<Float>(shape: [1], scalars: [1])]
        try adam.step(&parameters, gradients: ["a": Tensor(shape: [1], scalars: [1])])
        #expect(parameters["b"]!.scalars == [1])
        #expect(adam.steps["b"] == nil)
        #expect(throws: LayerError.self) { try adam.step(&parameters, gradients: ["c": Tensor(shape: [1], scalars: [1])]) }
        #expect(throws: LayerError.self) { try adam.step(&parameters, gradients: ["a": Tensor(shape: [2], scalars: [1, 1])]) }
    }
}
