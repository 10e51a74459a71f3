import Foundation
import Layers
import Tensors
import Testing

/// The AAE networks' backward passes against central differences of their own forward passes, in float64 (PyTorch
/// parity of whole training iterations is in fixtures/aae_train.h5).
@Suite struct AAEBackwardTests {
    static func tensor(_ shape: [Int], seed: Double, scale: Double = 1) -> Tensor<Double> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { scale * sin(Double($0) * 1.3 + seed) })
    }

    static func mask(_ shape: [Int], every k: Int) -> Tensor<Bool> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { $0 % k != 1 })
    }

    /// Checks `analytic` against the slope of `loss` at `z`, element by element.
    static func expectSlopes(_ analytic: Tensor<Double>, of loss: (Tensor<Double>) throws -> Double, at z: Tensor<Double>) throws {
        for i in 0..<z.count {
            var plus = z, minus = z
            plus.scalars[i] += 1e-6
            minus.scalars[i] -= 1e-6
            let slope = (try loss(plus) - loss(minus)) / 2e-6
            #expect(abs(analytic.scalars[i] - slope) < 1e-7, "d[\(i)]: \(analytic.scalars[i]) vs \(slope)")
        }
    }

    @Test func discriminatorBackwardMatchesCentralDifferences() throws {
        var store = ParameterStore<Double>([
            "model.0.weight": Self.tensor([6, 3], seed: 1), "model.0.bias": Self.tensor([6], seed: 2, scale: 0.1),
            "model.3.weight": Self.tensor([5, 6], seed: 3), "model.3.bias": Self.tensor([5], seed: 4, scale: 0.1),
            "model.6.weight": Self.tensor([1, 5], seed: 5), "model.6.bias": Self.tensor([1], seed: 6),
        ])
        let d = try AAEDiscriminator<Double>(latentDim: 3, hidden: (6, 5), p: 0.25, parameters: &store, prefix: "")
        let z = Self.tensor([4, 3], seed: 7)
        let masks = (Self.mask([4, 6], every: 4), Self.mask([4, 5], every: 3))
        let c = Self.tensor([4, 1], seed: 8)
        func loss(_ z: Tensor<Double>) throws -> Double { (try d(z, masks: masks)[7] * c).scalars.reduce(0, +) }
        let g = try d.backward(try d(z, masks: masks), z: z, masks: masks, validityGradient: c, prefix: "")
        try Self.expectSlopes(g.z, of: loss, at: z)
        #expect(Set(g.parameters.keys) == ["model.0.weight", "model.0.bias", "model.3.weight", "model.3.bias",
                                           "model.6.weight", "model.6.bias"])
    }

    @Test func decoderBackwardThroughTrainModeBatchNormMatchesCentralDifferences() throws {
        let tensors: [String: Tensor<Double>] = [
            "model.0.weight": Self.tensor([5, 2], seed: 1), "model.0.bias": Self.tensor([5], seed: 2, scale: 0.3),
            "model.3.weight": Self.tensor([4, 5], seed: 3), "model.3.bias": Self.tensor([4], seed: 4),
            "model.4.weight": Self.tensor([4], seed: 5), "model.4.bias": Self.tensor([4], seed: 6),
            "model.4.running_mean": .zeros([4]), "model.4.running_var": Tensor(shape: [4], repeating: 1),
            "model.7.weight": Self.tensor([6, 4], seed: 7), "model.7.bias": Self.tensor([6], seed: 8),
        ]
        func decoder() throws -> AAEDecoder<Double> {
            var store = ParameterStore(tensors, integers: ["model.4.num_batches_tracked": Tensor(scalar: 0)])
            return try AAEDecoder(latentDim: 2, hidden: (5, 4), imageShape: [1, 2, 3], p: 0.5, bnEps: 1e-3,
                                  bnMomentum: 0.1, parameters: &store, prefix: "")
        }
        let z = Self.tensor([3, 2], seed: 9)
        let masks = (Self.mask([3, 5], every: 4), Self.mask([3, 4], every: 5))
        let c = Self.tensor([3, 1, 2, 3], seed: 10)
        func loss(_ z: Tensor<Double>) throws -> Double {
            var d = try decoder()
            return (try d(z, masks: masks, batchNormTraining: true).img * c).scalars.reduce(0, +)
        }
        var d = try decoder()
        let forward = try d(z, masks: masks, batchNormTraining: true)
        let g = try d.backward(forward, z: z, masks: masks, imageGradient: c, prefix: "")
        try Self.expectSlopes(g.z, of: loss, at: z)
        // BatchNorm removes the batch mean: the loss does not depend on the bias before it
        #expect(g.parameters["model.3.bias"]!.scalars.allSatisfy { abs($0) < 1e-12 })
    }
}
