import Layers
import Tensors
import Testing

@Suite("ViTMLPBlock")
struct ViTMLPBlockTests {
    @Test("linear_1 -> exact erf GELU -> dropout -> linear_2", arguments: [
        // x, x * Phi(x) with the exact normal CDF (the tanh approximation differs by ~1e-4 here)
        (1.0, 0.8413447460685429), (-2.0, -0.04550026389635842), (2.5, 2.4844758366855597),
    ])
    func exactGELU(x: Double, expected: Double) throws {
        var parameters = ParameterStore<Double>([
            "linear_1.weight": Tensor(shape: [2, 1], scalars: [1, -1]), "linear_1.bias": .zeros([2]),
            "linear_2.weight": Tensor(shape: [1, 2], scalars: [1, 0]), "linear_2.bias": Tensor(shape: [1], scalars: [3]),
        ])
        let mlp = try ViTMLPBlock(embeddingSize: 1, forwardFactor: 2, dropoutRatio: 0.2, parameters: &parameters, prefix: "")
        try parameters.finish()
        let out = try mlp(Tensor(shape: [1, 1, 1], scalars: [x]))
        #expect(out.hidden.scalars == [x, -x])
        #expect(abs(out.activated[0, 0, 0] - expected) < 1e-15)
        #expect(abs(out.out[0, 0, 0] - (expected + 3)) < 1e-14)
    }

    @Test("the dropout mask applies between the GELU and linear_2, not after linear_2")
    func dropoutPlacement() throws {
        var parameters = ParameterStore<Double>([
            "linear_1.weight": Tensor(shape: [2, 1], scalars: [1, 1]), "linear_1.bias": .zeros([2]),
            "linear_2.weight": Tensor(shape: [1, 2], scalars: [1, 1]), "linear_2.bias": Tensor(shape: [1], scalars: [3]),
        ])
        let mlp = try ViTMLPBlock(embeddingSize: 1, forwardFactor: 2, dropoutRatio: 0.5, parameters: &parameters, prefix: "")
        let mask = Tensor<Bool>(shape: [1, 1, 2], scalars: [true, false])
        let out = try mlp(Tensor(shape: [1, 1, 1], scalars: [1.0]), dropoutMask: mask)
        // gelu(1) * 2 from the kept unit, 0 from the dropped one, then the bias 3 untouched by dropout.
        #expect(abs(out.out[0, 0, 0] - (2 * 0.8413447460685429 + 3)) < 1e-14)
    }
}
