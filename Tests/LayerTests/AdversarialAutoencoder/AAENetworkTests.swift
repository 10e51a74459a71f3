import Foundation
import Layers
import Tensors
import Testing

/// The three AAE networks on one- and two-unit layers whose values are computed by hand.
@Suite struct AAENetworkTests {
    static func linear(_ prefix: String, _ weight: [Double], _ shape: [Int], _ bias: [Double]) -> [String: Tensor<Double>] {
        [prefix + "weight": Tensor(shape: shape, scalars: weight), prefix + "bias": Tensor(shape: [shape[0]], scalars: bias)]
    }

    @Test func encoderFlattensThenReparameterizes() throws {
        var store = ParameterStore(
            Self.linear("encoder.model.0.", [1, 1], [1, 2], [0])
                .merging(Self.linear("encoder.model.3.", [2], [1, 1], [0])) { a, _ in a }
                .merging(Self.linear("encoder.mu.", [1], [1, 1], [0])) { a, _ in a }
                .merging(Self.linear("encoder.logvar.", [0], [1, 1], [2 * log(3)])) { a, _ in a })
        let encoder = try AAEEncoder<Double>(inputFeatures: 2, hidden: (1, 1), latentDim: 1, p: 0.5, parameters: &store)
        try store.finish()
        let img = Tensor<Double>(shape: [1, 1, 1, 2], scalars: [1, 2])
        let kept = Tensor<Bool>(shape: [1, 1], scalars: [true])
        let out = try encoder(img, noise: Tensor(shape: [1, 1], scalars: [0.5]), masks: (kept, nil))
        #expect(out.model.map(\.scalars) == [[3], [6], [6], [12], [12], [12]])   // dropout keeps and scales by 2
        #expect(out.mu.scalars == [12])
        #expect(abs(out.std.scalars[0] - 3) < 1e-14)                             // exp(logvar / 2)
        #expect(abs(out.z.scalars[0] - 13.5) < 1e-13)                            // 0.5 * 3 + 12
    }

    @Test func discriminatorEndsInSigmoid() throws {
        var store = ParameterStore(
            Self.linear("discriminator.model.0.", [1], [1, 1], [0])
                .merging(Self.linear("discriminator.model.3.", [1], [1, 1], [0])) { a, _ in a }
                .merging(Self.linear("discriminator.model.6.", [1], [1, 1], [log(3)])) { a, _ in a })
        let d = try AAEDiscriminator<Double>(latentDim: 1, hidden: (1, 1), p: 0.5, parameters: &store)
        try store.finish()
        let out = try d(Tensor(shape: [1, 1], scalars: [2]),
                        masks: (Tensor(shape: [1, 1], scalars: [true]), Tensor(shape: [1, 1], scalars: [false])))
        #expect(out.count == 8)
        #expect(out[1].scalars == [4])                                           // kept: 2 / (1 - 0.5)
        #expect(out[4].scalars == [0])                                           // dropped
        #expect(abs(out[7].scalars[0] - 0.75) < 1e-15)                           // sigmoid(log 3)
    }

    @Test func decoderViewsImagesAndOnlyTrainModeMovesTheRunningStatistics() throws {
        var params = Self.linear("decoder.model.0.", [1, 2], [2, 1], [0, 0])
            .merging(Self.linear("decoder.model.3.", [1, 0, 0, 1], [2, 2], [0, 0])) { a, _ in a }
            .merging(Self.linear("decoder.model.7.", [1, 0, 0, 1, 1, 1, 0, 0], [4, 2], [0, 0, 0, 0])) { a, _ in a }
        params["decoder.model.4.weight"] = Tensor(shape: [2], repeating: 1)
        params["decoder.model.4.bias"] = Tensor(shape: [2], repeating: 0)
        params["decoder.model.4.running_mean"] = Tensor(shape: [2], repeating: 0)
        params["decoder.model.4.running_var"] = Tensor(shape: [2], repeating: 1)
        var store = ParameterStore(params, integers: ["decoder.model.4.num_batches_tracked": Tensor(scalar: 0)])
        var decoder = try AAEDecoder<Double>(
            latentDim: 1, hidden: (2, 2), imageShape: [1, 2, 2], p: 0.2, bnEps: 0, bnMomentum: 0.1, parameters: &store)
        try store.finish()
        let z = Tensor<Double>(shape: [2, 1], scalars: [1, 3])
        // relu(z, 2z) -> (1, 2), (3, 6); eval-mode BN on mean 0, var 1 is the identity; Linear(2, 4) -> (a, b, a + b, 0)
        let eval = try decoder(z, masks: (nil, nil), batchNormTraining: false)
        #expect(eval.img.shape == [2, 1, 2, 2])
        #expect(eval.img.scalars == [1, 2, 3, 0, 3, 6, 9, 0].map { Foundation.tanh($0) })
        #expect(decoder.batchNorm.numBatchesTracked == 0)
        #expect(decoder.batchNorm.runningMean.scalars == [0, 0])
        // train-mode BN: channel (1, 3) and (2, 6) both normalize to (-1, 1)
        let train = try decoder(z, masks: (nil, nil), batchNormTraining: true)
        #expect(train.model[4].scalars == [-1, -1, 1, 1])
        #expect(train.img.scalars == [0, 0, 0, 0, 1, 1, 2, 0].map { Foundation.tanh($0) })  // ReLU zeroes sample 0
        #expect(decoder.batchNorm.numBatchesTracked == 1)
        #expect(decoder.batchNorm.runningMean.scalars == [0.2, 0.4])
    }
}
