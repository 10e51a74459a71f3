import Foundation
import Layers
import Testing
import Tensors

/// Hand-computed steps of the two Adam update rules: PyTorch's `torch.optim.Adam` (the LSTM classifier's) and the
/// assignment's `optim.adam` (cs231n's CaptioningSolver). They differ in where the bias corrections and epsilon go.
@Suite struct OptimizerTests {
    /// One parameter `[1, -2]`, lr 0.1, gradients `[0.5, 1e-3]` then `[-0.25, 2e-3]`.
    let gradients: [[Double]] = [[0.5, 1e-3], [-0.25, 2e-3]]

    @Test func pytorchAdamFirstStepByHand() throws {
        // Step 1: m = 0.1 g, v = 0.001 g^2; bias corrections 1 - 0.9 = 0.1 and sqrt(1 - 0.999) = sqrt(0.001):
        //   denom = sqrt(0.001 g^2) / sqrt(0.001) + eps = |g| + 1e-8,  p -= (0.1 / 0.1) * 0.1 g / denom
        // so p[0] = 1 - 0.1 * 0.5 / (0.5 + 1e-8), p[1] = -2 - 0.1 * 1e-3 / (1e-3 + 1e-8): each moves by ~lr.
        var adam = Adam<Double>(learningRate: 0.1)
        var parameters = ["w": Tensor<Double>(shape: [2], scalars: [1, -2])]
        try adam.step(&parameters, gradients: ["w": Tensor(shape: [2], scalars: gradients[0])])
        let p = parameters["w"]!.scalars
        #expect(abs(p[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-15)
        #expect(abs(p[1] - (-2 - 0.1 * 1e-3 / (1e-3 + 1e-8))) < 1e-15)
        #expect(adam.steps["w"] == 1)
    }

    @Test func pytorchAdamSecondStepMatchesTorch() throws {
        // torch.optim.Adam([p], lr=0.1) in float64, the same two gradients.
        var adam = Adam<Double>(learningRate: 0.1)
        var parameters = ["w": Tensor<Double>(shape: [2], scalars: [1, -2])]
        for g in gradients { try adam.step(&parameters, gradients: ["w": Tensor(shape: [2], scalars: g)]) }
        #expect(abs(parameters["w"]!.scalars[0] - 0.8733662987078463) < 1e-15)
        #expect(abs(parameters["w"]!.scalars[1] - (-2.196516592252915)) < 1e-15)
        #expect(adam.steps["w"] == 2)
    }

    @Test func pytorchAdamSkipsParametersWithoutAGradientAndCountsStepsPerKey() throws {
        var adam = Adam<Double>(learningRate: 0.1)
        var parameters = ["a": Tensor<Double>(shape: [1], scalars: [1]), "b": Tensor<Double>(shape: [1], scalars: [5])]
        try adam.step(&parameters, gradients: ["a": Tensor(shape: [1], scalars: [0.5])])
        #expect(parameters["b"]!.scalars == [5])
        try adam.step(&parameters, gradients: ["a": Tensor(shape: [1], scalars: [0.5]), "b": Tensor(shape: [1], scalars: [2])])
        // b's first step: its own counter is 1, so it moves by lr * 2 / (2 + 1e-8).
        #expect(abs(parameters["b"]!.scalars[0] - (5 - 0.1 * 2 / (2 + 1e-8))) < 1e-15)
        #expect(adam.steps == ["a": 2, "b": 1])
        #expect(throws: LayerError.self) { try adam.step(&parameters, gradients: ["c": Tensor(shape: [1], scalars: [1])]) }
    }

    @Test func cs231nAdamFirstStepByHand() throws {
        // m = 0.1 g, v = 0.001 g^2, t = 1, alpha = 0.1 sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001);
        // w -= alpha * m / (sqrt(v) + 1e-8): epsilon is added to the UNcorrected sqrt(v), unlike PyTorch.
        var adam = CS231nAdam<Double>(learningRate: 0.1)
        let w = try adam.update("w", Tensor(shape: [2], scalars: [1, -2]), Tensor(shape: [2], scalars: gradients[0]))
        let alpha = 0.001.squareRoot()
        for (i, start) in [1.0, -2].enumerated() {
            let g = gradients[0][i]
            let expected = start - alpha * (0.1 * g / ((0.001 * g * g).squareRoot() + 1e-8))
            #expect(abs(w.scalars[i] - expected) < 1e-15)
        }
        #expect(abs(w.scalars[1] - (-2.099968387220237)) < 1e-15)   // PyTorch's rule gives -2.09999900001
        #expect(adam.configurations["w"]?.t == 1)
    }

    @Test func cs231nAdamSecondStepMatchesTheAssignment() throws {
        // The assignment's optim.adam (NumPy, float64), the same two gradients.
        var adam = CS231nAdam<Double>(learningRate: 0.1)
        var w = Tensor<Double>(shape: [2], scalars: [1, -2])
        for g in gradients { w = try adam.update("w", w, Tensor(shape: [2], scalars: g)) }
        #expect(abs(w.scalars[0] - 0.8733663743517929) < 1e-15)
        #expect(abs(w.scalars[1] - (-2.1964729406326016)) < 1e-15)
        #expect(adam.configurations["w"]?.t == 2)
    }

    @Test func cs231nAdamDecaysEveryConfigsLearningRate() throws {
        var adam = CS231nAdam<Double>(learningRate: 0.1)
        _ = try adam.update("a", Tensor(shape: [1], scalars: [1]), Tensor(shape: [1], scalars: [1]))
        adam.decayLearningRate(by: 0.5)
        #expect(adam.configurations["a"]?.learningRate == 0.05)
        // A config created after the decay starts from the decayed rate: w = 1 - 0.05 sqrt(0.001)/0.1 * 1/(sqrt(0.001) + 1e-8).
        let b = try adam.update("b", Tensor(shape: [1], scalars: [1]), Tensor(shape: [1], scalars: [1]))
        let expected = 1 - 0.05 * 0.001.squareRoot() / 0.1 * (0.1 / (0.001.squareRoot() + 1e-8))
        #expect(abs(b.scalars[0] - expected) < 1e-15)
    }
}
