import Layers
public import Tensors

/// `lstm.train`: consecutive training steps of boostcamp `lstm.ipynb`'s loop (the "Train" cell):
///
///     for k in range(steps):
///         y_pred = R.forward(x[k]); loss_out = loss(y_pred, targets[k])     # nn.CrossEntropyLoss()
///         optm.zero_grad(); loss_out.backward(); optm.step()                 # optim.Adam(R.parameters(), lr)
///
/// Config: `xdim`, `hdim`, `ydim`, `n_layer` (the model), `steps` (K), `lr`, `beta1`, `beta2`, `eps` (Adam).
/// Inputs: `x (K, N, L, xdim)`, `targets (K, N)` int64: one batch per step.
/// Params: the `state_dict` before the first step (`rnn.*`, `lin.*`).
/// Outputs, for each step `k = 0 ..< K` in this order: `logits<k> (N, ydim)`, `loss<k> ()`, `grad<k>.<key>` for every
/// parameter in the order backpropagation completes them (`lin.weight`, `lin.bias`, then the LSTM layers from the
/// top one down: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), `grad<k>.x (N, L, xdim)`, then `param<k>.<key>`
/// after `optm.step()`, in `state_dict` order.
public enum LSTMTrainReplay: Replay {
    public static let name = "lstm.train"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let (xdim, hdim, ydim, nLayer) = (
            try config.int("xdim"), try config.int("hdim"), try config.int("ydim"), try config.int("n_layer"))
        let steps = try config.int("steps")
        guard nLayer >= 1, hdim >= 1, xdim >= 1, ydim >= 1 else {
            throw ReplayError("config xdim \(xdim), hdim \(hdim), ydim \(ydim), n_layer \(nLayer): each must be at least 1")
        }
        var optimizer = Adam<S>(
            learningRate: try config.double("lr"), betas: (try config.double("beta1"), try config.double("beta2")),
            eps: try config.double("eps"))
        let x = try input.tensor("x")
        let targets = try input.indices("targets")
        guard steps >= 1, x.rank == 4, x.shape[0] == steps, x.shape[3] == xdim else {
            throw ReplayError("input 'x' has shape \(x.shape), expected (steps = \(steps), N, L, xdim = \(xdim))")
        }
        guard targets.shape == [steps, x.shape[1]] else {
            throw ReplayError("input 'targets' has shape \(targets.shape), expected \([steps, x.shape[1]])")
        }
        // The state_dict, in its order; the model is rebuilt from it after every step.
        var keys: [String] = []
        for k in 0..<nLayer {
            keys += ["weight_ih_l\(k)", "weight_hh_l\(k)", "bias_ih_l\(k)", "bias_hh_l\(k)"].map { "rnn." + $0 }
        }
        keys += ["lin.weight", "lin.bias"]
        var parameters: [String: Tensor<S>] = [:]
        var store = input.parameters
        let initial = try LSTMClassifier<S>(xdim: xdim, hdim: hdim, ydim: ydim, nLayer: nLayer, parameters: &store)
        try store.finish()
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
