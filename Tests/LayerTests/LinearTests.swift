import Layers
import Testing
import Tensors

@Suite struct LinearTests {
    @Test func computesXTimesWTransposePlusBias() throws {
        // W = [[1, 2], [3, 4], [5, 6]] (out 3, in 2), b = [0.5, 0, -1]; x = [1, -1] -> [-0.5, -1, -2].
        var store = ParameterStore<Float>([
            "lin.weight": Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]),
            "lin.bias": Tensor(shape: [3], scalars: [0.5, 0, -1]),
        ])
        let lin = try Linear<Float>(inFeatures: 2, outFeatures: 3, parameters: &store, prefix: "lin.")
        let y = try lin(Tensor(shape: [1, 1, 2], scalars: [1, -1]))
        #expect(y.shape == [1, 1, 3])
        #expect(y.scalars == [-0.5, -1, -2])
        #expect(lin.parameterCount == 9)
    }

    @Test func aWrongInputWidthIsALayerError() throws {
        let lin = Linear<Float>(weight: Tensor(shape: [3, 2], repeating: 1), bias: nil)
        #expect(throws: LayerError.self) { try lin(Tensor(shape: [2, 3], repeating: 1)) }
    }
}
