public import Layers
public import Tensors

/// Replays of boostcamp `lstm.ipynb` (NOTEBOOKS.md section 1; docs/replays/lstm.md).
public enum LSTMReplays {
    public static let all: [any Replay.Type] = [LSTMSequenceReplay.self, LSTMClassifierReplay.self]
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
