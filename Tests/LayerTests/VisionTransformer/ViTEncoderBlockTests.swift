import Layers
import Tensors
import Testing

@Suite("ViTEncoderBlock")
struct ViTEncoderBlockTests {
    /// A block whose attention and MLP output zero, with identity LayerNorms: only the residuals remain.
    private func silentBlock(_ residual: ViTResidual) throws -> ViTEncoderBlock<Double> {
        let e = 4
        var store: [String: Tensor<Double>] = [
            "norm_1.weight": Tensor(shape: [e], repeating: 1), "norm_1.bias": .zeros([e]),
            "norm_2.weight": Tensor(shape: [e], repeating: 1), "norm_2.bias": .zeros([e]),
            "mlp.linear_1.weight": .zeros([e, e]), "mlp.linear_1.bias": .zeros([e]),
            "mlp.linear_2.weight": .zeros([e, e]), "mlp.linear_2.bias": .zeros([e]),
        ]
        for name in ["value", "key", "query", "linear"] {
            store["mha.\(name).weight"] = .zeros([e, e])
            store["mha.\(name).bias"] = .zeros([e])
        }
        var parameters = ParameterStore(store)
        let block = try ViTEncoderBlock(
            embeddingSize: e, headCount: 2, forwardFactor: 1, dropoutRatio: 0.2, residual: residual,
            parameters: &parameters, prefix: "")
        try parameters.finish()
        return block
    }

    private let x = Tensor<Double>(shape: [1, 1, 4], scalars: [1, 2, 3, 4])

    @Test("seed 003: the first residual adds the normalized input")
    func seed003() throws {
        let out = try silentBlock(.seed003)(x)
        let scale = 1 / (1.25 + 1e-5).squareRoot()  // mean 2.5, biased variance 1.25
        let normalized = [-1.5, -0.5, 0.5, 1.5].map { $0 * scale }
        for (a, b) in zip(out.out.scalars, normalized) { #expect(abs(a - b) < 1e-12) }
        #expect(out.residual1.scalars == out.norm1.scalars)
    }

    @Test("pre-norm: the first residual adds the input itself")
    func prenorm() throws {
        let out = try silentBlock(.prenorm)(x)
        #expect(out.out.scalars == [1, 2, 3, 4])
        #expect(out.attention.shape == [1, 2, 1, 1])
        #expect(out.attention.scalars == [1, 1])
    }
}
