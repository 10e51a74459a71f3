import Testing
import Tensors

@Suite struct ParameterStoreTests {
    var store = ParameterStore<Float>([
        "lin.weight": Tensor(shape: [2, 3], repeating: 1), "lin.bias": Tensor(shape: [2], repeating: 0),
    ])

    @Test mutating func takesEveryKeyOnce() throws {
        _ = try store.take("lin.weight", shape: [2, 3])
        _ = try store.take("lin.bias", shape: [2])
        try store.finish()
    }

    @Test mutating func aMissingKeyNamesTheKeyAndShape() {
        #expect(throws: ParameterError.missing(key: "lin2.weight", expectedShape: [4, 4])) {
            try store.take("lin2.weight", shape: [4, 4])
        }
    }

    @Test mutating func aWrongShapeNamesBothShapes() {
        let error = #expect(throws: ParameterError.self) { try store.take("lin.weight", shape: [3, 2]) }
        #expect(error?.description == "parameter 'lin.weight' has shape [2, 3], the model expects [3, 2]")
    }

    @Test mutating func anUnusedKeyFailsFinish() throws {
        _ = try store.take("lin.weight", shape: [2, 3])
        #expect(throws: ParameterError.unused(keys: ["lin.bias"])) { try store.finish() }
    }
}
