import Layers
public import Tensors

/// `cs231n.captioning_solver`: iterations of cs231n's `CaptioningSolver.train()` with `update_rule='adam'` (the
/// assignment's `optim.adam`, `CS231nAdam`) on recorded minibatches:
///
///     for t in range(steps):
///         loss, grads = model.loss(features[t], captions[t])                        # CaptioningRNN.loss
///         for p, w in model.params.items(): model.params[p], optim_configs[p] = adam(w, grads[p], optim_configs[p])
///         if (t + 1) % iterations_per_epoch == 0: every optim_configs[p]['learning_rate'] *= lr_decay
///
/// Config: `cell_type`, `input_dim`, `wordvec_dim`, `hidden_dim`, `vocab_size`, `null_index` (the model), `steps`,
/// `iterations_per_epoch`, `learning_rate`, `lr_decay`, `beta1`, `beta2`, `epsilon`.
/// Inputs: `features (steps, B, D)`, `captions (steps, B, T)` int64: the minibatch of each iteration.
/// Params: `model.params` before the first iteration (`W_embed`, `W_proj`, `b_proj`, `Wx`, `Wh`, `b`, `W_vocab`,
/// `b_vocab`). Outputs, per iteration `k`: `loss<k>`, `grad<k>.<key>` in the order the backward pass completes them
/// (`W_vocab`, `b_vocab`, `Wx`, `Wh`, `b`, `W_embed`, `W_proj`, `b_proj`), then `param<k>.<key>` after the update, in
/// `model.params` order. The assignment's loss computes no gradient of `features`, so none is recorded.
public enum CaptioningSolverReplay: Replay {
    public static let name = "cs231n.captioning_solver"
    static let gradientOrder = ["W_vocab", "b_vocab", "Wx", "Wh", "b", "W_embed", "W_proj", "b_proj"]
    static let parameterOrder = ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"]

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let cellName = try config.string("cell_type")
        guard let cellType = CaptioningRNN<S>.CellType(rawValue: cellName) else {
            throw ReplayError("config 'cell_type' is '\(cellName)', expected 'rnn' or 'lstm'")
        }
        let (inputDim, wordvecDim, hiddenDim, vocabSize, nullIndex) = (
            try config.int("input_dim"), try config.int("wordvec_dim"), try config.int("hidden_dim"),
            try config.int("vocab_size"), try config.int("null_index"))
        let steps = try config.int("steps")
        let iterationsPerEpoch = try config.int("iterations_per_epoch")
        let lrDecay = try config.double("lr_decay")
        var adam = CS231nAdam<S>(
            learningRate: try config.double("learning_rate"), beta1: try config.double("beta1"),
            beta2: try config.double("beta2"), epsilon: try config.double("epsilon"))
        let features = try input.tensor("features")
        let captions = try input.indices("captions")
        guard steps >= 1, iterationsPerEpoch >= 1, features.rank == 3, features.shape[0] == steps,
            captions.rank == 3, Array(captions.shape.prefix(2)) == Array(features.shape.prefix(2))
        else {
            throw ReplayError(
                "inputs 'features' \(features.shape) and 'captions' \(captions.shape): expected (steps = \(steps), B, D) and (steps, B, T)")
        }
        func model(_ store: inout ParameterStore<S>) throws -> CaptioningRNN<S> {
            try CaptioningRNN<S>(
                cellType: cellType, inputDim: inputDim, wordvecDim: wordvecDim, hiddenDim: hiddenDim,
                vocabSize: vocabSize, nullIndex: nullIndex, parameters: &store)
        }
        var parameters: [String: Tensor<S>] = [:]
        var store = input.parameters
        for key in parameterOrder {
            let shape = try parameterShape(key, cellType, inputDim, wordvecDim, hiddenDim, vocabSize)
            parameters[key] = try store.take(key, shape: shape)
        }
        try store.finish()

        var trace = ReplayTrace<S>()
        for k in 0..<steps {
            var current = ParameterStore(parameters)
            let out = try model(&current).loss(features: features.select(axis: 0, k), captions: captions.select(axis: 0, k))
            trace.record("loss\(k)", out.loss)
            for key in gradientOrder { trace.record("grad\(k).\(key)", out.grads[key]!) }
            for key in parameterOrder {   // `for p, w in self.model.params.items()`
                parameters[key] = try adam.update(key, parameters[key]!, out.grads[key]!)
            }
            for key in parameterOrder { trace.record("param\(k).\(key)", parameters[key]!) }
            if (k + 1) % iterationsPerEpoch == 0 { adam.decayLearningRate(by: lrDecay) }
        }
        return trace
    }

    /// The shape of `model.params[key]` (row-vector layout; `k = 1` for rnn, 4 for lstm).
    static func parameterShape(
        _ key: String, _ cell: CaptioningRNN<some TensorScalar>.CellType, _ d: Int, _ w: Int, _ h: Int, _ v: Int
    ) throws -> [Int] {
        let gates = cell == .lstm ? 4 : 1
        switch key {
        case "W_embed": return [v, w]
        case "W_proj": return [d, h]
        case "b_proj": return [h]
        case "Wx": return [w, gates * h]
        case "Wh": return [h, gates * h]
        case "b": return [gates * h]
        case "W_vocab": return [h, v]
        case "b_vocab": return [v]
        default: throw ReplayError("no CaptioningRNN parameter '\(key)'")
        }
    }
}
