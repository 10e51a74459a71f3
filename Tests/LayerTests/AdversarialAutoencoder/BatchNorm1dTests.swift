import Foundation
import Layers
import Tensors
import Testing

@Suite struct BatchNorm1dTests {
    static func make(
        weight: [Float] = [1, 2], bias: [Float] = [0, 1], mean: [Float] = [0, 0], variance: [Float] = [1, 1],
        tracked: Int64 = 0, eps: Double = 0, momentum: Double? = 0.1
    ) -> BatchNorm1d<Float> {
        BatchNorm1d(
            weight: Tensor(shape: [2], scalars: weight), bias: Tensor(shape: [2], scalars: bias),
            runningMean: Tensor(shape: [2], scalars: mean), runningVar: Tensor(shape: [2], scalars: variance),
            numBatchesTracked: tracked, eps: eps, momentum: momentum)
    }

    @Test func trainModeNormalizesWithBiasedBatchVarianceAndUpdatesWithUnbiased() throws {
        var bn = Self.make()
        // channel 0: 1, 3 -> mean 2, biased var 1, unbiased 2; channel 1: 2, 6 -> mean 4, biased var 4, unbiased 8
        let y = try bn(Tensor(shape: [2, 2], scalars: [1, 2, 3, 6]), training: true)
        #expect(y.scalars == [-1, -1, 1, 3])                    // channel 1: (-1, 1) * 2 + 1
        #expect(bn.runningMean.scalars == [0.2, 0.4])            // 0.9 * 0 + 0.1 * mean
        #expect(bn.runningVar.scalars == [1.1, 1.7])             // 0.9 * 1 + 0.1 * unbiased var
        #expect(bn.numBatchesTracked == 1)
    }

    @Test func evalModeUsesRunningStatisticsAndKeepsThem() throws {
        var bn = Self.make(weight: [1, 1], bias: [0, 0], mean: [1, -1], variance: [4, 0.25], tracked: 7)
        let y = try bn(Tensor(shape: [1, 2], scalars: [3, 0]), training: false)
        #expect(y.scalars == [1, 2])                             // (3 - 1) / 2, (0 + 1) / 0.5
        #expect(bn.runningMean.scalars == [1, -1])
        #expect(bn.runningVar.scalars == [4, 0.25])
        #expect(bn.numBatchesTracked == 7)
    }

    @Test func momentumNoneIsTheCumulativeAverage() throws {
        var bn = Self.make(mean: [4, 4], variance: [1, 1], tracked: 3, momentum: nil)
        _ = try bn(Tensor(shape: [2, 2], scalars: [1, 2, 3, 6]), training: true)
        #expect(bn.numBatchesTracked == 4)
        #expect(bn.runningMean.scalars == [3.5, 4])               // 3/4 * 4 + 1/4 * (2, 4)
        #expect(bn.runningVar.scalars == [1.25, 2.75])            // 3/4 * 1 + 1/4 * (2, 8)
    }

    @Test func epsIsAddedToTheVariance() throws {
        var bn = Self.make(weight: [1, 1], bias: [0, 0], variance: [3, 3], eps: 1)
        let y = try bn(Tensor(shape: [1, 2], scalars: [2, -4]), training: false)
        #expect(y.scalars == [1, -2])                            // x / sqrt(3 + 1)
    }

    @Test func trainingOnOneSampleIsRefused() {
        var bn = Self.make()
        #expect(throws: LayerError.self) { try bn(Tensor(shape: [1, 2], scalars: [1, 2]), training: true) }
    }

    @Test func loadsTheInt64BufferStrictly() throws {
        let floats: [String: Tensor<Float>] = [
            "bn.weight": Tensor(shape: [2], repeating: 1), "bn.bias": Tensor(shape: [2], repeating: 0),
            "bn.running_mean": Tensor(shape: [2], repeating: 0), "bn.running_var": Tensor(shape: [2], repeating: 1),
        ]
        var missing = ParameterStore(floats)
        #expect(throws: ParameterError.missing(key: "bn.num_batches_tracked", expectedShape: [])) {
            try BatchNorm1d(features: 2, eps: 1e-5, momentum: 0.1, parameters: &missing, prefix: "bn.")
        }
        var store = ParameterStore(floats, integers: ["bn.num_batches_tracked": Tensor(scalar: 5), "extra": Tensor(scalar: 1)])
        let bn = try BatchNorm1d(features: 2, eps: 1e-5, momentum: 0.1, parameters: &store, prefix: "bn.")
        #expect(bn.numBatchesTracked == 5)
        #expect(throws: ParameterError.unused(keys: ["extra"])) { try store.finish() }
    }
}
