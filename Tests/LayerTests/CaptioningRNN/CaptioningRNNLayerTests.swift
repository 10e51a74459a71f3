import Foundation
import Layers
import Tensors
import Testing

/// CaptioningRNN.loss: the NULL mask, and every gradient against centered finite differences, for both cells.
@Suite struct CaptioningRNNLayerTests {
    /// A tiny model (D = 3, W = 2, H = 2, V = 4) with deterministic, distinct parameters.
    func model(_ cell: CaptioningRNN<Double>.CellType) throws -> (CaptioningRNN<Double>, [String: Tensor<Double>]) {
        let k = cell == .rnn ? 1 : 4
        let shapes: [(String, [Int])] = [
            ("W_embed", [4, 2]), ("W_proj", [3, 2]), ("b_proj", [2]), ("Wx", [2, 2 * k]), ("Wh", [2, 2 * k]),
            ("b", [2 * k]), ("W_vocab", [2, 4]), ("b_vocab", [4]),
        ]
        var params: [String: Tensor<Double>] = [:]
        var seed = 0.0
        for (key, shape) in shapes {
            let count = shape.reduce(1, *)
            params[key] = Tensor(shape: shape, scalars: (0..<count).map { _ in seed += 1; return Foundation.sin(seed) * 0.8 })
        }
        var store = ParameterStore(params)
        let m = try CaptioningRNN<Double>(
            cellType: cell, inputDim: 3, wordvecDim: 2, hiddenDim: 2, vocabSize: 4, nullIndex: 0, parameters: &store)
        try store.finish()
        return (m, params)
    }

    let features = Tensor<Double>(shape: [2, 3], scalars: [0.5, -1, 0.3, 0.2, 0.7, -0.4])
    let captions = Tensor<Int64>(shape: [2, 4], scalars: [1, 2, 3, 0, 1, 3, 0, 0])

    @Test(arguments: [CaptioningRNN<Double>.CellType.rnn, .lstm])
    func nullTargetsCostNothing(cell: CaptioningRNN<Double>.CellType) throws {
        let (m, _) = try model(cell)
        let out = try m.loss(features: features, captions: captions)
        // Only targets captions[:, 1:] != NULL count: (n=0: 2, 3), (n=1: 3); the rest of dscores is zero.
        let kept: [[Bool]] = [[true, true, false], [true, false, false]]
        for n in 0..<2 {
            for t in 0..<3 where !kept[n][t] {
                #expect((0..<4).allSatisfy { out.dscores[n, t, $0] == 0 })
            }
        }
        var expected = 0.0
        for n in 0..<2 {
            for t in 0..<3 where kept[n][t] {
                expected -= Foundation.log(out.probs[n, t, Int(captions[n, t + 1])])
            }
        }
        #expect(abs(out.loss.scalars[0] - expected / 2) < 1e-13)
    }

    @Test(arguments: [CaptioningRNN<Double>.CellType.rnn, .lstm])
    func gradientsMatchFiniteDifferences(cell: CaptioningRNN<Double>.CellType) throws {
        let (m, params) = try model(cell)
        let grads = try m.loss(features: features, captions: captions).grads
        for (key, value) in params {
            for k in 0..<value.count {
                var loss: [Double] = []
                for delta in [1e-6, -1e-6] {
                    var shifted = params
                    shifted[key]!.scalars[k] += delta
                    var store = ParameterStore(shifted)
                    let m2 = try CaptioningRNN<Double>(
                        cellType: cell, inputDim: 3, wordvecDim: 2, hiddenDim: 2, vocabSize: 4, nullIndex: 0,
                        parameters: &store)
                    loss.append(try m2.loss(features: features, captions: captions).loss.scalars[0])
                }
                let numeric = (loss[0] - loss[1]) / 2e-6
                #expect(abs(grads[key]!.scalars[k] - numeric) < 1e-7, "grads.\(key)[\(k)]")
            }
        }
    }
}
