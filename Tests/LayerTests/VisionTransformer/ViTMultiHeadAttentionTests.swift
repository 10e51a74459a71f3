import Foundation
import Layers
import Tensors
import Testing

@Suite("ViTMultiHeadAttention")
struct ViTMultiHeadAttentionTests {
    /// Every projection the identity with zero bias, so head h attends with feature h alone.
    private func identityAttention(size: Int, heads: Int, p: Double = 0.2) throws -> ViTMultiHeadAttention<Double> {
        var eye = Tensor<Double>.zeros([size, size])
        for i in 0..<size { eye[i, i] = 1 }
        var store: [String: Tensor<Double>] = [:]
        for name in ["value", "key", "query", "linear"] {
            store["\(name).weight"] = eye
            store["\(name).bias"] = .zeros([size])
        }
        var parameters = ParameterStore(store)
        let mha = try ViTMultiHeadAttention(
            embeddingSize: size, headCount: heads, dropoutRatio: p, parameters: &parameters, prefix: "")
        try parameters.finish()
        return mha
    }

    @Test("the scale is per head: (emb_dim // num_heads) ** -0.5")
    func scaling() throws {
        #expect(try identityAttention(size: 8, heads: 2).scaling == 0.5)
        #expect(try identityAttention(size: 18, heads: 2).scaling == 1.0 / 3.0)
    }

    @Test("heads take contiguous feature slices; softmax over keys; context merged back as (h d)")
    func twoHeads() throws {
        let mha = try identityAttention(size: 2, heads: 2)  // d = 1: scale 1
        let x = Tensor<Double>(shape: [1, 2, 2], scalars: [1, 0, 0, 1])
        let (out, attention) = try mha(x)
        let e = M_E
        // Head 0 sees feature 0 = [1, 0]: scores [[1, 0], [0, 0]]; head 1 sees [0, 1]: [[0, 0], [0, 1]].
        let expectedAttention = [e / (e + 1), 1 / (e + 1), 0.5, 0.5, 0.5, 0.5, 1 / (1 + e), e / (1 + e)]
        #expect(attention.shape == [1, 2, 2, 2])
        for (a, b) in zip(attention.scalars, expectedAttention) { #expect(abs(a - b) < 1e-12) }
        let expectedOut = [e / (e + 1), 0.5, 0.5, e / (e + 1)]
        for (a, b) in zip(out.scalars, expectedOut) { #expect(abs(a - b) < 1e-12) }
    }

    @Test("attention is returned after the dropout, scaled by 1 / (1 - p)")
    func dropoutBeforeReturn() throws {
        let mha = try identityAttention(size: 2, heads: 2, p: 0.5)
        let x = Tensor<Double>(shape: [1, 2, 2], scalars: [0, 0, 0, 0])  // uniform attention 0.5
        let mask = Tensor<Bool>(shape: [1, 2, 2, 2], scalars: [true, false, true, true, true, true, false, false])
        let (_, attention) = try mha(x, dropoutMask: mask)
        #expect(attention.scalars == [1, 0, 1, 1, 1, 1, 0, 0])
    }
}
