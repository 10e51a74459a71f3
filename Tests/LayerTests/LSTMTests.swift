import Layers
import Testing
import Tensors

@Suite struct LSTMTests {
    /// One unit, one layer; the gate rows of weight_ih are i=0.1, f=0.2, g=0.3, o=0.4, so any other gate order
    /// gives other numbers.
    func oneUnitLSTM() throws -> LSTM<Double> {
        var store = ParameterStore<Double>([
            "weight_ih_l0": Tensor(shape: [4, 1], scalars: [0.1, 0.2, 0.3, 0.4]),
            "weight_hh_l0": Tensor(shape: [4, 1], scalars: [0.5, -0.5, 0.25, 1.0]),
            "bias_ih_l0": Tensor(shape: [4], scalars: [0.0, 0.1, 0.0, -0.1]),
            "bias_hh_l0": Tensor(shape: [4], scalars: [0.05, 0.0, -0.05, 0.0]),
        ])
        let lstm = try LSTM<Double>(inputSize: 1, hiddenSize: 1, numLayers: 1, parameters: &store, prefix: "")
        try store.finish()
        return lstm
    }

    @Test func twoStepsByHand() throws {
        // Step 1 with x=1, h0=0.5, c0=-0.25:
        //   i = sigmoid(0.1 + 0.25 + 0.05) = sigmoid(0.4),  f = sigmoid(0.2 - 0.25 + 0.1) = sigmoid(0.05)
        //   g = tanh(0.3 + 0.125 - 0.05) = tanh(0.375),     o = sigmoid(0.4 + 0.5 - 0.1) = sigmoid(0.8)
        //   c1 = f * -0.25 + i * g,  h1 = o * tanh(c1)
        let sigmoid = { (x: Double) in 1 / (1 + Double.exp(-x)) }
        let c1 = sigmoid(0.05) * -0.25 + sigmoid(0.4) * Double.tanh(0.375)
        let h1 = sigmoid(0.8) * Double.tanh(c1)
        let out = try oneUnitLSTM()(
            Tensor(shape: [1, 2, 1], scalars: [1, 2]),
            h0: Tensor(shape: [1, 1, 1], scalars: [0.5]), c0: Tensor(shape: [1, 1, 1], scalars: [-0.25]))
        #expect(abs(out.output.scalars[0] - h1) < 1e-15)
        #expect(abs(h1 - 0.059479460745161035) < 1e-15)
        // Step 2, as torch.nn.LSTM computes it (float64).
        #expect(abs(out.output.scalars[1] - 0.22583794062474571) < 1e-15)
        #expect(out.hn.scalars == [out.output.scalars[1]])
        #expect(abs(out.cn.scalars[0] - 0.34452346420796226) < 1e-15)
    }

    @Test func shapesFollowBatchFirstAndHnIsTheLastStep() throws {
        var tensors: [String: Tensor<Float>] = [:]
        for k in 0..<2 {
            let input = k == 0 ? 3 : 5
            tensors["rnn.weight_ih_l\(k)"] = Tensor(shape: [20, input], scalars: (0..<(20 * input)).map { Float($0 % 7) / 10 - 0.3 })
            tensors["rnn.weight_hh_l\(k)"] = Tensor(shape: [20, 5], scalars: (0..<100).map { Float($0 % 5) / 10 - 0.2 })
            tensors["rnn.bias_ih_l\(k)"] = Tensor(shape: [20], repeating: 0.1)
            tensors["rnn.bias_hh_l\(k)"] = Tensor(shape: [20], repeating: -0.05)
        }
        var store = ParameterStore(tensors)
        let lstm = try LSTM<Float>(inputSize: 3, hiddenSize: 5, numLayers: 2, parameters: &store, prefix: "rnn.")
        try store.finish()
        #expect(lstm.parameterCount == 20 * (3 + 5 + 2) + 20 * (5 + 5 + 2))
        let x = Tensor<Float>(shape: [4, 6, 3], scalars: (0..<72).map { Float($0) / 72 })
        let out = try lstm(x)
        #expect(out.output.shape == [4, 6, 5])
        #expect(out.hn.shape == [2, 4, 5])
        #expect(out.cn.shape == [2, 4, 5])
        #expect(out.hn.select(axis: 0, 1) == out.output.select(axis: 1, 5))
        #expect(out.hn.select(axis: 0, 0) != out.hn.select(axis: 0, 1))
    }

    /// Rows of the batch never meet: the LSTM runs blocks of rows on the cores, every layer per block, the layers
    /// below the last in one scratch buffer per block, each over the one below. Three layers and 100 rows (two
    /// blocks): every row's outputs are those of the row run alone (to 1e-12: a one-row product is a gemv, with
    /// another summation order), and the inference path equals the training forward, which keeps every layer's
    /// outputs in full, bit for bit.
    @Test func blocksOfRowsRunTheirOwnRecurrence() throws {
        let (n, length, input, hidden, layers) = (100, 5, 3, 4, 3)
        let values = { (count: Int, seed: Double) in
            Tensor<Double>(shape: [count], scalars: (0..<count).map { 0.5 * Double.sin(seed + 1.3 * Double($0)) })
        }
        var parameters: [String: Tensor<Double>] = [:]
        for k in 0..<layers {
            parameters["weight_ih_l\(k)"] = values(4 * hidden * (k == 0 ? input : hidden), Double(k)).reshaped([4 * hidden, -1])
            parameters["weight_hh_l\(k)"] = values(4 * hidden * hidden, Double(k) + 0.5).reshaped([4 * hidden, hidden])
            parameters["bias_ih_l\(k)"] = values(4 * hidden, Double(k) + 0.25)
            parameters["bias_hh_l\(k)"] = values(4 * hidden, Double(k) + 0.75)
        }
        var store = ParameterStore(parameters)
        let lstm = try LSTM<Double>(inputSize: input, hiddenSize: hidden, numLayers: layers, parameters: &store, prefix: "")
        let x = values(n * length * input, 9).reshaped([n, length, input])
        let h0 = values(layers * n * hidden, 10).reshaped([layers, n, hidden])
        let c0 = values(layers * n * hidden, 11).reshaped([layers, n, hidden])
        let whole = try lstm(x, h0: h0, c0: c0)
        let tape = try lstm.forwardForTraining(x, h0: h0, c0: c0)
        #expect(tape.output.output == whole.output && tape.output.hn == whole.hn && tape.output.cn == whole.cn)
        for row in [0, 31, 32, 63, 64, 99] {
            let state = { (t: Tensor<Double>) in
                Tensor.concatenated((0..<layers).map { t.select(axis: 0, $0).select(axis: 0, row).reshaped([1, 1, hidden]) }, axis: 0)
            }
            let alone = try lstm(x.select(axis: 0, row).reshaped([1, length, input]), h0: state(h0), c0: state(c0))
            let expected = whole.output.select(axis: 0, row).scalars
            #expect(zip(alone.output.scalars, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "row \(row): outputs")
            #expect(zip(alone.cn.scalars, state(whole.cn).scalars).allSatisfy { abs($0 - $1) < 1e-12 }, "row \(row): cn")
        }
    }

    @Test func aWrongInputSizeIsALayerError() throws {
        #expect(throws: LayerError.self) { try oneUnitLSTM()(Tensor(shape: [1, 2, 3], repeating: 0)) }
    }
}
