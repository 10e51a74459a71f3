import Layers
import Tensors
import Testing

@Suite("PatchEmbedding")
struct PatchEmbeddingTests {
    /// x[0, c, r, col] = 100c + 10r + col, so every element names its own position.
    private func numberedImage(channels: Int, size: Int) -> Tensor<Double> {
        var x = Tensor<Double>.zeros([1, channels, size, size])
        for c in 0..<channels {
            for r in 0..<size {
                for col in 0..<size { x[0, c, r, col] = Double(100 * c + 10 * r + col) }
            }
        }
        return x
    }

    @Test("patches are taken row by row and packed (p1, p2, c) with the channel fastest")
    func packing() {
        let patches = PatchEmbedding<Double>.patches(numberedImage(channels: 2, size: 4), patchSize: 2)
        #expect(patches.shape == [1, 4, 8])
        // Patch 1 is rows 0-1, columns 2-3; patch 2 is rows 2-3, columns 0-1.
        #expect(patches.select(axis: 0, 0).select(axis: 0, 1).scalars == [2, 102, 3, 103, 12, 112, 13, 113])
        #expect(patches.select(axis: 0, 0).select(axis: 0, 2).scalars == [20, 120, 21, 121, 30, 130, 31, 131])
    }

    @Test("tokens are [cls; linear(patches)] plus a position table shared by the batch")
    func tokens() throws {
        var parameters = ParameterStore<Double>([
            "linear.weight": Tensor(shape: [2, 1], scalars: [1, 2]),
            "linear.bias": Tensor(shape: [2], scalars: [0.5, -0.5]),
            "cls_token": Tensor(shape: [1, 1, 2], scalars: [7, 8]),
            "positions": Tensor(shape: [5, 2], scalars: [0.1, 0.2, 1, 1, 2, 2, 3, 3, 4, 4]),
        ])
        let embedding = try PatchEmbedding(
            inChannels: 1, imageSize: 2, patchSize: 1, embeddingSize: 2, parameters: &parameters, prefix: "")
        try parameters.finish()
        let image = Tensor<Double>(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4])
        let out = try embedding(Tensor.concatenated([image, image * 10], axis: 0))
        #expect(out.embedded.shape == [2, 4, 2])
        #expect(out.embedded.select(axis: 0, 0).scalars == [1.5, 1.5, 2.5, 3.5, 3.5, 5.5, 4.5, 7.5])
        #expect(out.tokens.shape == [2, 5, 2])
        let expected: [Double] = [7.1, 8.2, 2.5, 2.5, 4.5, 5.5, 6.5, 8.5, 8.5, 11.5]
        for (a, e) in zip(out.tokens.select(axis: 0, 0).scalars, expected) { #expect(abs(a - e) < 1e-12) }
        // The second image: the class token row is the same, the patch rows scale with the image.
        #expect(abs(out.tokens[1, 0, 0] - 7.1) < 1e-12)
        #expect(abs(out.tokens[1, 4, 1] - (40 * 2 - 0.5 + 4)) < 1e-12)
    }

    @Test("a positions table with a batch axis is refused")
    func strictPositions() {
        var parameters = ParameterStore<Double>([
            "linear.weight": .zeros([2, 1]), "linear.bias": .zeros([2]), "cls_token": .zeros([1, 1, 2]),
            "positions": .zeros([1, 5, 2]),
        ])
        #expect(throws: ParameterError.self) {
            try PatchEmbedding(inChannels: 1, imageSize: 2, patchSize: 1, embeddingSize: 2, parameters: &parameters, prefix: "")
        }
    }
}
