import Layers
import Testing
import Tensors

@Suite struct CrossEntropyLossTests {
    @Test func meanOfNegativeLogSoftmaxAtTheTargets() throws {
        let logits = Tensor<Double>(shape: [2, 3], scalars: [2, 1, 0.1, 0.5, 0.5, 3])
        let loss = try CrossEntropyLoss()(logits, Tensor(shape: [2], scalars: [0, 2]))
        // -(log(e^2 / (e^2 + e + e^0.1)) + log(e^3 / (2 e^0.5 + e^3))) / 2
        let first = 2 - Double.log(Double.exp(2) + Double.exp(1) + Double.exp(0.1))
        let second = 3 - Double.log(2 * Double.exp(0.5) + Double.exp(3))
        #expect(loss.shape == [])
        #expect(abs(loss.scalars[0] - -(first + second) / 2) < 1e-15)
        #expect(abs(loss.scalars[0] - 0.2845192003344843) < 1e-15)  // torch.nn.CrossEntropyLoss, float64
    }

    @Test func aTargetOutsideTheClassesIsALayerError() {
        #expect(throws: LayerError.self) {
            try CrossEntropyLoss()(Tensor<Float>(shape: [1, 3], repeating: 0), Tensor(shape: [1], scalars: [3]))
        }
    }
}

@Suite struct ModelSummaryTests {
    @Test func theNotebookModelHas821770Parameters() throws {
        // RecurrentNeuralNetworkClass(xdim=28, hdim=256, ydim=10, n_layer=2): the notebook's torchinfo summary.
        var tensors: [String: Tensor<Float>] = [:]
        for k in 0..<2 {
            tensors["rnn.weight_ih_l\(k)"] = .zeros([1024, k == 0 ? 28 : 256])
            tensors["rnn.weight_hh_l\(k)"] = .zeros([1024, 256])
            tensors["rnn.bias_ih_l\(k)"] = .zeros([1024])
            tensors["rnn.bias_hh_l\(k)"] = .zeros([1024])
        }
        tensors["lin.weight"] = .zeros([10, 256])
        tensors["lin.bias"] = .zeros([10])
        var store = ParameterStore(tensors)
        let model = try LSTMClassifier<Float>(xdim: 28, hdim: 256, ydim: 10, nLayer: 2, parameters: &store)
        try store.finish()
        let summary = model.summary(batch: 2, length: 20)
        #expect(summary.totalParameters == 821_770)
        let text = summary.description
        #expect(text.contains("Total params: 821,770"))
        #expect(text.contains("├─LSTM: 1-1"))
        #expect(text.contains("[2, 20, 256]"))
        #expect(text.contains("819,200"))
        #expect(text.contains("2,570"))
    }
}

@Suite struct DropoutAndLayerNormTests {
    @Test func dropoutScalesKeptElementsByOneOverOneMinusP() throws {
        let x = Tensor<Float>(shape: [4], scalars: [1, 2, 3, 4])
        let mask = Tensor<Bool>(shape: [4], scalars: [true, false, true, true])
        #expect(try Dropout<Float>(p: 0.5)(x, mask: mask).scalars == [2, 0, 6, 8])
        #expect(try Dropout<Float>(p: 0.5)(x, mask: nil) == x)
        // A dropped NaN stays NaN (x * 0), as PyTorch computes it.
        let dropped = try Dropout<Float>(p: 0.5)(Tensor(shape: [1], scalars: [.nan]), mask: Tensor(shape: [1], scalars: [false]))
        #expect(dropped.scalars[0].isNaN)
    }

    @Test func layerNormUsesTheBiasedVariance() throws {
        var store = ParameterStore<Double>(["weight": Tensor(shape: [2], scalars: [1, 2]), "bias": Tensor(shape: [2], scalars: [0, 1])])
        let norm = try LayerNorm<Double>(size: 2, eps: 0, parameters: &store, prefix: "")
        // [1, 3]: mean 2, biased variance 1 -> [-1, 1] -> [-1 * 1 + 0, 1 * 2 + 1]
        #expect(try norm(Tensor(shape: [1, 2], scalars: [1, 3])).scalars == [-1, 3])
    }
}
