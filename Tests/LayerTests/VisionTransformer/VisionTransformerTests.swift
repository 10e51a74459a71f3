import Layers
import Tensors
import Testing

@Suite("VisionTransformer")
struct VisionTransformerTests {
    /// No encoder blocks, identity head: the pooled vector is visible in the logits through the final LayerNorm.
    private func model(_ pooling: ViTPooling) throws -> VisionTransformer<Double> {
        var parameters = ParameterStore<Double>([
            "ie.linear.weight": Tensor(shape: [2, 1], scalars: [1, 2]),
            "ie.linear.bias": Tensor(shape: [2], scalars: [0.5, -0.5]),
            "ie.cls_token": Tensor(shape: [1, 1, 2], scalars: [7, 8]),
            "ie.positions": Tensor(shape: [5, 2], scalars: [0.1, 0.2, 1, 1, 2, 2, 3, 3, 4, 4]),
            "normalization.weight": Tensor(shape: [2], scalars: [1, 1]),
            "normalization.bias": Tensor(shape: [2], scalars: [0, 10]),
            "classification_head.weight": Tensor(shape: [2, 2], scalars: [1, 0, 0, 1]),
            "classification_head.bias": .zeros([2]),
        ])
        let model = try VisionTransformer(
            inChannels: 1, imageSize: 2, patchSize: 1, embeddingSize: 2, encoderLayers: 0, headCount: 1,
            forwardFactor: 1, dropoutRatio: 0.2, classCount: 2, residual: .seed003, pooling: pooling,
            parameters: &parameters)
        try parameters.finish()
        return model
    }

    private let image = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])

    @Test("cls pooling takes token 0: the class token plus positions[0]")
    func classToken() throws {
        let out = try model(.cls)(image)
        #expect(out.pooled.shape == [1, 2])
        #expect(abs(out.pooled[0, 0] - 7.1) < 1e-12 && abs(out.pooled[0, 1] - 8.2) < 1e-12)
        // LayerNorm of two values: -+ d / sqrt(d^2 + eps) with d half their gap, then the bias [0, 10].
        let d = 0.55
        let unit = d / (d * d + 1e-5).squareRoot()
        #expect(abs(out.logits[0, 0] + unit) < 1e-12 && abs(out.logits[0, 1] - (10 + unit)) < 1e-12)
    }

    @Test("mean pooling averages every token, the class token included")
    func meanPooling() throws {
        let out = try model(.mean)(image)
        #expect(abs(out.pooled[0, 0] - 29.1 / 5) < 1e-12 && abs(out.pooled[0, 1] - 36.2 / 5) < 1e-12)
    }
}
