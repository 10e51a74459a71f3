import Foundation
import Layers
import Tensors
import Testing

/// Hand-computed and central-difference checks of the ViT backward passes (LayerNorm, the softmax Jacobian, the
/// attention, the patch rearrangement, the class token and the position table); PyTorch parity of whole training
/// steps is in fixtures/vit_train.h5.
@Suite("ViT backward")
struct ViTBackwardTests {
    /// Deterministic, irregular values in about [-1, 1].
    static func values(_ count: Int, seed: Double) -> [Double] {
        (0..<count).map { sin(Double($0) * 1.7 + seed) * cos(Double($0) * 0.31 + 2 * seed) }
    }

    static func tensor(_ shape: [Int], seed: Double) -> Tensor<Double> {
        Tensor(shape: shape, scalars: values(shape.reduce(1, *), seed: seed))
    }

    @Test("LayerNorm backward: the mean and variance terms, by hand")
    func layerNormByHand() throws {
        // x = 1, 1, 3, 3: mean 2, var 1, xhat = -1, -1, 1, 1 (eps 0); dy = 1, 0, 0, 0, weight 1:
        // dx = dy - mean(dy) - xhat mean(dy xhat) = (1 - 1/4 - 1/4, -1/4 - 1/4, -1/4 + 1/4, -1/4 + 1/4)
        var store = ParameterStore<Double>(["weight": Tensor(shape: [4], repeating: 1), "bias": .zeros([4])])
        let norm = try LayerNorm<Double>(size: 4, eps: 0, parameters: &store, prefix: "")
        let g = try norm.backward(Tensor(shape: [1, 4], scalars: [1, 0, 0, 0]), x: Tensor(shape: [1, 4], scalars: [1, 1, 3, 3]))
        for (a, b) in zip(g.dx.scalars, [0.5, -0.5, 0, 0]) { #expect(abs(a - b) < 1e-15) }
        #expect(g.dWeight.scalars == [-1, 0, 0, 0])                // dy * xhat
        #expect(g.dBias.scalars == [1, 0, 0, 0])
    }

    @Test("LayerNorm backward matches central differences")
    func layerNormDifferences() throws {
        var store = ParameterStore<Double>(["weight": Self.tensor([5], seed: 1), "bias": Self.tensor([5], seed: 2)])
        let norm = try LayerNorm<Double>(size: 5, parameters: &store, prefix: "")
        let x = Self.tensor([3, 5], seed: 3)
        let c = Self.tensor([3, 5], seed: 4)
        func loss(_ x: Tensor<Double>) throws -> Double { (try norm(x) * c).scalars.reduce(0, +) }
        let g = try norm.backward(c, x: x)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += 1e-6
            minus.scalars[i] -= 1e-6
            #expect(abs(g.dx.scalars[i] - (try loss(plus) - loss(minus)) / 2e-6) < 1e-7)
        }
    }

    @Test("the softmax Jacobian: dx = (dy - sum(dy y)) y, by hand")
    func softmaxByHand() {
        let dx = ViTMultiHeadAttention<Double>.softmaxBackward(
            Tensor(shape: [1, 3], scalars: [1, 0, 0]), output: Tensor(shape: [1, 3], scalars: [0.5, 0.25, 0.25]))
        #expect(dx.scalars == [0.25, -0.125, -0.125])                // sum(dy y) = 0.5
    }

    func attention(heads: Int = 2, size: Int = 4) throws -> ViTMultiHeadAttention<Double> {
        var tensors: [String: Tensor<Double>] = [:]
        for (i, name) in ["value", "key", "query", "linear"].enumerated() {
            tensors["\(name).weight"] = Self.tensor([size, size], seed: Double(i) + 0.5)
            tensors["\(name).bias"] = Self.tensor([size], seed: Double(i) + 7.5)
        }
        var store = ParameterStore(tensors)
        return try ViTMultiHeadAttention(embeddingSize: size, headCount: heads, dropoutRatio: 0.25, parameters: &store, prefix: "")
    }

    @Test("attention backward matches central differences; the key bias gets no gradient")
    func attentionDifferences() throws {
        let mha = try attention()
        let x = Self.tensor([2, 3, 4], seed: 11)
        let c = Self.tensor([2, 3, 4], seed: 12)
        let mask = Tensor<Bool>(shape: [2, 2, 3, 3], scalars: (0..<36).map { $0 % 5 != 2 })
        func loss(_ x: Tensor<Double>) throws -> Double { (try mha(x, dropoutMask: mask).out * c).scalars.reduce(0, +) }
        let g = try mha.backward(c, x: x, dropoutMask: mask)
        for i in 0..<x.count {
            var plus = x, minus = x
            plus.scalars[i] += 1e-6
            minus.scalars[i] -= 1e-6
            let slope = (try loss(plus) - loss(minus)) / 2e-6
            #expect(abs(g.dx.scalars[i] - slope) < 1e-7, "dx[\(i)]: \(g.dx.scalars[i]) vs \(slope)")
        }
        // softmax ignores a constant added to a row of scores: q . b_key is one
        #expect(g.parameters["key.bias"]!.scalars.allSatisfy { abs($0) < 1e-12 })
        #expect(g.parameters["query.bias"]!.scalars.contains { abs($0) > 1e-3 })
    }

    @Test("the patch rearrangement's backward is its inverse: (p1, p2, c) packing undone")
    func unpatches() {
        let x = Tensor<Double>(shape: [2, 3, 8, 8], scalars: (0..<384).map(Double.init))
        let patches = PatchEmbedding<Double>.patches(x, patchSize: 4)
        #expect(PatchEmbedding<Double>.unpatches(patches, patchSize: 4, channels: 3, imageSize: 8).scalars == x.scalars)
        // element (p1 * P + p2) * C + c of patch w * (W / P) + h is x[n, c, w P + p1, h P + p2]: patch 1 = (w 0, h 1)
        #expect(patches[0, 1, (2 * 4 + 3) * 3 + 1] == x[0, 1, 2, 4 + 3])
    }

    @Test("class token and position table gradients are batch sums of the token gradient")
    func embeddingParameters() throws {
        let tensors: [String: Tensor<Double>] = [
            "linear.weight": Self.tensor([2, 4], seed: 1), "linear.bias": Self.tensor([2], seed: 2),
            "cls_token": Self.tensor([1, 1, 2], seed: 3), "positions": Self.tensor([5, 2], seed: 4),
        ]
        var store = ParameterStore(tensors)
        let embedding = try PatchEmbedding<Double>(inChannels: 1, imageSize: 4, patchSize: 2, embeddingSize: 2, parameters: &store, prefix: "")
        let forward = try embedding(Self.tensor([2, 1, 4, 4], seed: 5))
        let dTokens = Tensor<Double>(shape: [2, 5, 2], scalars: (0..<20).map(Double.init))
        let g = try embedding.backward(dTokens, forward: forward)
        #expect(g.parameters["cls_token"]!.scalars == [0 + 10, 1 + 11])
        let expected: [Double] = (0..<10).map { (i: Int) -> Double in Double(2 * i + 10) }   // token i of both images
        #expect(g.parameters["positions"]!.scalars == expected)
        #expect(g.dx.shape == [2, 1, 4, 4])
    }
}
