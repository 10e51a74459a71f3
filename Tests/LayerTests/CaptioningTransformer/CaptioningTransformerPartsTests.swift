import Foundation
import Layers
import Testing
import Tensors

@Suite struct CaptioningTransformerPartsTests {
    @Test func positionalTableFollowsTheSinCosFormula() {
        // D = 4: col = [10000^0, 10000^(-2/4)] = [1, 0.01]; row i = [sin(i), cos(i), sin(0.01 i), cos(0.01 i)].
        let table = PositionalEncoding<Double>.table(embedDim: 4, length: 2)
        #expect(table.shape == [1, 2, 4])
        #expect(Array(table.scalars[0..<4]) == [0, 1, 0, 1])
        let expected = [sin(1.0), cos(1.0), sin(0.01), cos(0.01)]
        for j in 0..<4 { #expect(abs(table[0, 1, j] - expected[j]) < 1e-15) }
    }

    @Test func positionalEncodingAddsTheLoadedRowsThenDrops() throws {
        var store = ParameterStore<Double>(["pe": Tensor(shape: [1, 3, 2], scalars: [1, 2, 3, 4, 5, 6])])
        let encoding = try PositionalEncoding<Double>(embedDim: 2, maxLen: 3, p: 0.5, parameters: &store, prefix: "")
        let x = Tensor<Double>(shape: [1, 2, 2], scalars: [10, 20, 30, 40])
        let (sum, output) = try encoding(x, mask: Tensor(shape: [1, 2, 2], scalars: [true, false, true, true]))
        #expect(sum.scalars == [11, 22, 33, 44])
        #expect(output.scalars == [22, 0, 66, 88])
        #expect(throws: LayerError.self) { try encoding(Tensor<Double>.zeros([1, 4, 2]), mask: nil) }
    }

    @Test func maskedDropoutKeepsNaNInDroppedPlaces() throws {
        let dropout = Dropout<Float>(p: 0.5)
        let y = try dropout(Tensor(shape: [3], scalars: [.nan, 1, 3]), mask: Tensor(shape: [3], scalars: [false, false, true]))
        #expect(y.scalars[0].isNaN)
        #expect(y.scalars[1] == 0 && y.scalars[2] == 6)
    }

    @Test func embeddingLooksUpRowsAndRefusesUnknownIndices() throws {
        var store = ParameterStore<Float>(["embedding.weight": Tensor(shape: [3, 2], scalars: [0, 0, 1, 2, 3, 4])])
        let embedding = try WordEmbedding<Float>(vocabularySize: 3, dimension: 2, parameters: &store, prefix: "embedding.")
        let y = try embedding(Tensor(shape: [1, 2], scalars: [2, 1]))
        #expect(y.shape == [1, 2, 2] && y.scalars == [3, 4, 1, 2])
        #expect(throws: LayerError.self) { try embedding(Tensor(shape: [1], scalars: [3])) }
    }

    @Test func solverLossMasksNullTokensButAveragesOverAllTokens() throws {
        // Uniform scores over V = 2: every token costs log 2. Targets [[1, 0]] with NULL = 0: [log 2, 0], mean log 2 / 2.
        let loss = TransformerTemporalSoftmaxLoss(nullIndex: 0)
        let (tokens, total) = try loss(Tensor<Double>.zeros([1, 2, 2]), Tensor(shape: [1, 2], scalars: [1, 0]))
        #expect(abs(tokens[0, 0] - log(2.0)) < 1e-15 && tokens[0, 1] == 0)
        #expect(abs(total.scalars[0] - log(2.0) / 2) < 1e-15)
    }

    @Test func causalMaskIsLowerTriangular() {
        #expect(CaptioningTransformer<Float>.causalMask(3).scalars == [true, false, false, true, true, false, true, true, true])
    }

    @Test func decoderLayerNormalizesAfterEachResidualSum() throws {
        // Every Linear is zero, every LayerNorm the identity affine: each block adds 0, so post-norm gives
        // norm(norm(norm(tgt))) ~ [-1, 1] for tgt = [1, 3]; pre-norm would return tgt itself.
        let w = 2, f = 3
        var tensors: [String: Tensor<Double>] = [:]
        for attention in ["self_attn.", "multihead_attn."] {
            for name in ["key", "query", "value", "proj"] {
                tensors[attention + name + ".weight"] = .zeros([w, w])
                tensors[attention + name + ".bias"] = .zeros([w])
            }
        }
        tensors["linear1.weight"] = .zeros([f, w]); tensors["linear1.bias"] = .zeros([f])
        tensors["linear2.weight"] = .zeros([w, f]); tensors["linear2.bias"] = .zeros([w])
        for norm in ["norm1.", "norm2.", "norm3."] {
            tensors[norm + "weight"] = Tensor(shape: [w], repeating: 1)
            tensors[norm + "bias"] = .zeros([w])
        }
        var store = ParameterStore(tensors)
        let layer = try TransformerDecoderLayer<Double>(inputDim: w, numHeads: 1, dimFeedforward: f, p: 0.1, parameters: &store, prefix: "")
        try store.finish()
        let out = try layer(Tensor(shape: [1, 1, 2], scalars: [1, 3]), memory: .zeros([1, 1, 2]))
        #expect(abs(out.norm1[0, 0, 0] + 1 / (1 + 1e-5).squareRoot()) < 1e-12)
        #expect(abs(out.output[0, 0, 0] + 1) < 1e-4 && abs(out.output[0, 0, 1] - 1) < 1e-4)
    }
}
