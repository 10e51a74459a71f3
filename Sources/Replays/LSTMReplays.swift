public import Layers
public import Tensors

/// Replays of boostcamp `lstm.ipynb` (NOTEBOOKS.md section 1; docs/replays/lstm.md).
public enum LSTMReplays {
    public static let all: [any Replay.Type] = [LSTMSequenceReplay.self, LSTMClassifierReplay.self, LSTMTrainReplay.self]
}

/// `lstm.rnn`: `nn.LSTM(batch_first=True)` alone, `x: (N, L, Q) -> rnn_out (N, L, D), hn, cn (K, N, D)`, as in the
/// shape-demo cell `R.rnn(x)`.
public enum LSTMSequenceReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "lstm.rnn",
        summary: "`nn.LSTM(batch_first=True)` alone, as in the shape-demo cell `R.rnn(x)`.",
        config: [.int("input_size", "Q"), .int("hidden_size", "D"), .int("num_layers", "K")],
        inputs: ["x (N, L, Q)", "h0 (K, N, D) optional", "c0 (K, N, D) optional"],
        parameters: ["rnn.*"],
        outputs: ["rnn_out (N, L, D)", "hn (K, N, D)", "cn (K, N, D)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let rnn = try LSTM<S>(
            inputSize: try input.config.int("input_size"), hiddenSize: try input.config.int("hidden_size"),
            numLayers: try input.config.int("num_layers"), parameters: &input.parameters, prefix: "rnn.")
        let out = try rnn(try input.tensor("x"), h0: try input.optionalTensor("h0"), c0: try input.optionalTensor("c0"))
        var trace = ReplayTrace<S>()
        trace.record("rnn_out", out.output)
        trace.record("hn", out.hn)
        trace.record("cn", out.cn)
        return trace
    }
}

/// `lstm.classifier`: the notebook's `RecurrentNeuralNetworkClass.forward`, `x: (N, L, xdim) -> logits (N, ydim)`,
/// then `nn.CrossEntropyLoss` when the case has `targets`.
public enum LSTMClassifierReplay: SummarizingReplay {
    public static let declaration = ReplayDeclaration(
        name: "lstm.classifier",
        summary: "The notebook's `RecurrentNeuralNetworkClass.forward`, then `nn.CrossEntropyLoss` when the case has `targets`.",
        config: [.int("xdim"), .int("hdim"), .int("ydim"), .int("n_layer")],
        inputs: ["x (N, L, xdim)", "targets (N) int64 optional"],
        parameters: ["rnn.*", "lin.*"],
        outputs: ["rnn_out (N, L, hdim)", "hn (n_layer, N, hdim)", "cn (n_layer, N, hdim)", "last_step (N, 1, hdim)",
                  "logits (N, ydim)", "loss () with targets",
                  "parameter_count () the torchinfo summary's Total params, in the case's dtype"])

    /// The model the case's configuration describes, loaded strictly from its `state_dict`.
    static func model<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> LSTMClassifier<S> {
        try LSTMClassifier<S>(
            xdim: try input.config.int("xdim"), hdim: try input.config.int("hdim"), ydim: try input.config.int("ydim"),
            nLayer: try input.config.int("n_layer"), parameters: &input.parameters)
    }

    /// The torchinfo-style summary for the case's input `x: (N, L, xdim)`.
    public static func summary<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ModelSummary {
        let x = try input.tensor("x")
        try LayerError.check("RecurrentNeuralNetworkClass", "input x", x, is: [-1, -1, -1])
        return try model(&input).summary(batch: x.shape[0], length: x.shape[1])
    }

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let model = try model(&input)
        let x = try input.tensor("x")
        let out = try model(x)
        var trace = ReplayTrace<S>()
        trace.record("rnn_out", out.rnnOut)
        trace.record("hn", out.hn)
        trace.record("cn", out.cn)
        trace.record("last_step", out.lastStep)
        trace.record("logits", out.logits)
        if input.has("targets") {
            trace.record("loss", try CrossEntropyLoss()(out.logits, try input.indices("targets")))
        }
        let parameters = model.summary(batch: x.shape[0], length: x.shape[1]).totalParameters
        trace.record("parameter_count", Tensor(scalar: S(parameters)))
        return trace
    }
}

/// `lstm.train`: consecutive training steps of the notebook's loop (the "Train" cell):
///
///     for k in range(steps):
///         y_pred = R.forward(x[k]); loss_out = loss(y_pred, targets[k])     # nn.CrossEntropyLoss()
///         optm.zero_grad(); loss_out.backward(); optm.step()                 # optim.Adam(R.parameters(), lr)
///
/// Gradients are recorded in the order backpropagation completes them (`lin.weight`, `lin.bias`, then the LSTM layers
/// from the top one down: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`); parameters after `optm.step()` in
/// `state_dict` order.
public enum LSTMTrainReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "lstm.train",
        summary: "Consecutive steps of the notebook's \"Train\" cell: forward, `nn.CrossEntropyLoss`, backward, `optim.Adam` step.",
        config: [.int("xdim"), .int("hdim"), .int("ydim"), .int("n_layer"), .int("steps", "K"), .number("lr"),
                 .number("beta1"), .number("beta2"), .number("eps")],
        inputs: ["x (K, N, L, xdim) one batch a step", "targets (K, N) int64"],
        parameters: ["rnn.*", "lin.*"],
        outputs: ["per step k: logits<k> (N, ydim)", "loss<k> ()",
                  "grad<k>.<key> in the order backpropagation completes them (lin.*, then the LSTM layers top down)",
                  "grad<k>.x (N, L, xdim)", "param<k>.<key> after optm.step(), in state_dict order"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.config
        let (xdim, hdim, ydim, nLayer) = (
            try config.int("xdim"), try config.int("hdim"), try config.int("ydim"), try config.int("n_layer"))
        let steps = try config.int("steps")
        var optimizer = Adam<S>(
            learningRate: try config.double("lr"), betas: (try config.double("beta1"), try config.double("beta2")),
            eps: try config.double("eps"))
        let x = try input.tensor("x")
        let targets = try input.indices("targets")
        guard x.rank == 4, x.shape[0] == steps, x.shape[3] == xdim else {
            throw ReplayError("input 'x' has shape \(x.shape), expected (steps = \(steps), N, L, xdim = \(xdim))", kind: "input", tensor: "inputs/x")
        }
        guard targets.shape == [steps, x.shape[1]] else {
            throw ReplayError("input 'targets' has shape \(targets.shape), expected \([steps, x.shape[1]])", kind: "input", tensor: "inputs/targets")
        }
        // The state_dict, in its order; the model is rebuilt from it after every step.
        var keys: [String] = []
        for k in 0..<nLayer {
            keys += ["weight_ih_l\(k)", "weight_hh_l\(k)", "bias_ih_l\(k)", "bias_hh_l\(k)"].map { "rnn." + $0 }
        }
        keys += ["lin.weight", "lin.bias"]
        var parameters: [String: Tensor<S>] = [:]
        let initial = try LSTMClassifier<S>(xdim: xdim, hdim: hdim, ydim: ydim, nLayer: nLayer, parameters: &input.parameters)
        for (k, layer) in initial.rnn.layers.enumerated() {
            parameters["rnn.weight_ih_l\(k)"] = layer.inputHidden
            parameters["rnn.weight_hh_l\(k)"] = layer.hiddenHidden
            parameters["rnn.bias_ih_l\(k)"] = layer.inputBias
            parameters["rnn.bias_hh_l\(k)"] = layer.hiddenBias
        }
        parameters["lin.weight"] = initial.lin.weight
        parameters["lin.bias"] = initial.lin.bias

        var trace = ReplayTrace<S>()
        for k in 0..<steps {
            var current = ParameterStore(parameters)
            let model = try LSTMClassifier<S>(xdim: xdim, hdim: hdim, ydim: ydim, nLayer: nLayer, parameters: &current)
            let step = try model.trainingStep(x.select(axis: 0, k), targets: targets.select(axis: 0, k))
            trace.record("logits\(k)", step.logits)
            trace.record("loss\(k)", step.loss)
            for (key, gradient) in step.gradients { trace.record("grad\(k).\(key)", gradient) }
            trace.record("grad\(k).x", step.dx)
            try optimizer.step(&parameters, gradients: Dictionary(uniqueKeysWithValues: step.gradients))
            for key in keys { trace.record("param\(k).\(key)", parameters[key]!) }
        }
        return trace
    }
}
