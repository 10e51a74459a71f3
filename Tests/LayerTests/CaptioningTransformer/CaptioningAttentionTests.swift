import Foundation
import Layers
import Testing
import Tensors

/// An `E x E` attention whose four Linear layers are the identity with zero bias.
private func identityAttention(embedDim e: Int, heads: Int, prefix: String = "") throws -> CaptioningMultiHeadAttention<Double> {
    var eye = Tensor<Double>.zeros([e, e])
    for i in 0..<e { eye[i, i] = 1 }
    var tensors: [String: Tensor<Double>] = [:]
    for name in ["key", "query", "value", "proj"] {
        tensors[prefix + name + ".weight"] = eye
        tensors[prefix + name + ".bias"] = .zeros([e])
    }
    var store = ParameterStore(tensors)
    let attention = try CaptioningMultiHeadAttention<Double>(embedDim: e, numHeads: heads, p: 0.1, parameters: &store, prefix: prefix)
    try store.finish()
    return attention
}

@Suite struct CaptioningAttentionTests {
    @Test func scalesByTheSquareRootOfTheHeadWidth() throws {
        // E = 4, H = 2: head width 2, so q.k / sqrt(2) (not / sqrt(4)). x = [1, 1, 0, 0]: head 0 sees [1, 1] -> 2 / sqrt(2).
        let attention = try identityAttention(embedDim: 4, heads: 2)
        let x = Tensor<Double>(shape: [1, 1, 4], scalars: [1, 1, 0, 0])
        let out = try attention(query: x, key: x, value: x)
        #expect(out.scores.shape == [1, 2, 1, 1])
        #expect(abs(out.scores[0, 0, 0, 0] - 2 / 2.0.squareRoot()) < 1e-15)
        #expect(out.scores[0, 1, 0, 0] == 0)
        #expect(out.output.scalars == x.scalars)  // one key: attention 1, identity value and proj
    }

    @Test func blockedPositionsGetMinusInfinityAndAFullyBlockedRowIsNaN() throws {
        // x = [[1, 0], [0, 1]], one head of 2: scores = x x^T / sqrt(2). Mask row 0 = [1, 0], row 1 = [0, 0].
        let attention = try identityAttention(embedDim: 2, heads: 1)
        let x = Tensor<Double>(shape: [1, 2, 2], scalars: [1, 0, 0, 1])
        let mask = Tensor<Bool>(shape: [2, 2], scalars: [true, false, false, false])
        let out = try attention(query: x, key: x, value: x, attnMask: mask)
        let masked = try #require(out.maskedScores)
        #expect(masked[0, 0, 0, 1] == -.infinity)
        #expect(abs(masked[0, 0, 0, 0] - 1 / 2.0.squareRoot()) < 1e-15)
        #expect(out.attention[0, 0, 0, 0] == 1 && out.attention[0, 0, 0, 1] == 0)
        #expect(out.attention[0, 0, 1, 0].isNaN && out.attention[0, 0, 1, 1].isNaN)
        #expect(out.output[0, 0, 0] == 1 && out.output[0, 0, 1] == 0)
        #expect(out.output[0, 1, 0].isNaN && out.output[0, 1, 1].isNaN)
    }

    @Test func softmaxOverTwoKeys() throws {
        // Query [0, 1] against keys [1, 0] and [0, 1]: scores [0, 1/sqrt(2)], attention = softmax of those.
        let attention = try identityAttention(embedDim: 2, heads: 1)
        let q = Tensor<Double>(shape: [1, 1, 2], scalars: [0, 1])
        let kv = Tensor<Double>(shape: [1, 2, 2], scalars: [1, 0, 0, 1])
        let out = try attention(query: q, key: kv, value: kv)
        let b = exp(1 / 2.0.squareRoot())
        #expect(abs(out.attention[0, 0, 0, 1] - b / (1 + b)) < 1e-15)
        #expect(abs(out.output[0, 0, 0] - 1 / (1 + b)) < 1e-15)
    }

    @Test func aHeadCountThatDoesNotDivideTheWidthIsRefused() throws {
        var store = ParameterStore<Double>([:])
        #expect(throws: LayerError.self) {
            _ = try CaptioningMultiHeadAttention<Double>(embedDim: 6, numHeads: 4, p: 0.1, parameters: &store, prefix: "")
        }
    }
}
