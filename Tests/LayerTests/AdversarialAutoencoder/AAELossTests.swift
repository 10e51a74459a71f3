import Foundation
import Layers
import Tensors
import Testing

@Suite struct BinaryCrossEntropyLossTests {
    @Test func clampsEachLogAtMinus100() throws {
        let x = Tensor<Double>(shape: [3, 1], scalars: [0.5, 0, 1])
        let t = Tensor<Double>(shape: [3, 1], scalars: [1, 1, 0])
        let elementwise = try BinaryCrossEntropyLoss().elementwise(x, t)
        #expect(elementwise.shape == [3, 1])
        #expect(abs(elementwise.scalars[0] - log(2)) < 1e-15)
        #expect(elementwise.scalars[1] == 100)                   // -log(0) clamped, not inf
        #expect(elementwise.scalars[2] == 100)                   // -log(1 - 1) clamped
        let loss = try BinaryCrossEntropyLoss()(x, t)
        #expect(loss.shape == [])
        #expect(abs(loss.scalars[0] - (log(2) + 200) / 3) < 1e-13)
    }

    @Test func softTargetsMixBothTerms() throws {
        let loss = try BinaryCrossEntropyLoss()(Tensor<Double>(scalar: 0.25), Tensor<Double>(scalar: 0.5))
        #expect(abs(loss.scalars[0] - -(0.5 * log(0.25) + 0.5 * log(0.75))) < 1e-15)
    }

    @Test func refusesProbabilitiesOutsideTheUnitInterval() {
        #expect(throws: LayerError.self) {
            try BinaryCrossEntropyLoss()(Tensor<Float>(shape: [1], scalars: [1.5]), Tensor<Float>(shape: [1], scalars: [1]))
        }
    }
}

@Suite struct L1LossTests {
    @Test func isTheMeanAbsoluteDifference() throws {
        let x = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [1, -2, 0, 4])
        let y = Tensor<Float>(shape: [1, 1, 2, 2], scalars: [0.5, 1, 0, 3])
        #expect(try L1Loss().elementwise(x, y).scalars == [0.5, 3, 0, 1])
        #expect(try L1Loss()(x, y).scalars == [1.125])
    }

    @Test func refusesDifferentShapes() {
        #expect(throws: LayerError.self) {
            try L1Loss()(Tensor<Float>(shape: [2], scalars: [1, 2]), Tensor<Float>(shape: [1, 2], scalars: [1, 2]))
        }
    }
}
