import Layers
public import Tensors

/// Replays of cs231n 2022 assignment 3 `rnn_layers.py` and `CaptioningRNN` (NOTEBOOKS.md section 5, first bullet;
/// docs/replays/captioning_rnn.md). Parameters are the functions' own arguments, named as in the assignment.
public enum CaptioningRNNReplays {
    public static let all: [any Replay.Type] = [
        CS231nRNNStepReplay.self, CS231nRNNStepBackwardReplay.self,
        CS231nRNNReplay.self, CS231nRNNBackwardReplay.self,
        CS231nLSTMStepReplay.self, CS231nLSTMStepBackwardReplay.self,
        CS231nLSTMReplay.self, CS231nLSTMBackwardReplay.self,
        CS231nWordEmbeddingReplay.self, CS231nWordEmbeddingBackwardReplay.self,
        CS231nTemporalAffineReplay.self, CS231nTemporalAffineBackwardReplay.self,
        CS231nTemporalSoftmaxLossReplay.self, CaptioningRNNLossReplay.self,
        CaptioningSolverReplay.self, CaptioningSampleReplay.self,
    ]
}

/// `cs231n.rnn_step`: `rnn_step_forward(x, prev_h, Wx, Wh, b)` ("Vanilla RNN: step forward" cell).
public enum CS231nRNNStepReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.rnn_step",
        summary: "`rnn_step_forward(x, prev_h, Wx, Wh, b)` (\"Vanilla RNN: step forward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, D)", "prev_h (N, H)"],
        parameters: ["Wx (D, H)", "Wh (H, H)", "b (H)"],
        outputs: ["next_h (N, H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let cell = try CS231nRNNCell<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        var trace = ReplayTrace<S>()
        trace.record("next_h", try cell(try input.tensor("x"), prevH: try input.tensor("prev_h")))
        return trace
    }
}

/// `cs231n.rnn_step_backward`: `rnn_step_forward` then `rnn_step_backward(dnext_h, cache)`
/// ("Vanilla RNN: step backward" cell).
public enum CS231nRNNStepBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.rnn_step_backward",
        summary: "`rnn_step_forward` then `rnn_step_backward(dnext_h, cache)` (\"Vanilla RNN: step backward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, D)", "prev_h (N, H)", "dnext_h (N, H)"],
        parameters: ["Wx (D, H)", "Wh (H, H)", "b (H)"],
        outputs: ["next_h (N, H)", "da (N, H)", "dx (N, D)", "dprev_h (N, H)", "dWx (D, H)", "dWh (H, H)", "db (H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let cell = try CS231nRNNCell<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let x = try input.tensor("x")
        let prevH = try input.tensor("prev_h")
        let nextH = try cell(x, prevH: prevH)
        let grads = try cell.backward(try input.tensor("dnext_h"), x: x, prevH: prevH, nextH: nextH)
        var trace = ReplayTrace<S>()
        trace.record("next_h", nextH)
        trace.record("da", grads.da)
        trace.record("dx", grads.dx)
        trace.record("dprev_h", grads.dprevH)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}

/// `cs231n.rnn`: `rnn_forward(x, h0, Wx, Wh, b)` ("Vanilla RNN: forward" cell).
public enum CS231nRNNReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.rnn",
        summary: "`rnn_forward(x, h0, Wx, Wh, b)` (\"Vanilla RNN: forward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, T, D)", "h0 (N, H)"],
        parameters: ["Wx (D, H)", "Wh (H, H)", "b (H)"],
        outputs: ["h (N, T, H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let rnn = try CS231nRNN<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        var trace = ReplayTrace<S>()
        trace.record("h", try rnn(try input.tensor("x"), h0: try input.tensor("h0")))
        return trace
    }
}

/// `cs231n.rnn_backward`: `rnn_forward` then `rnn_backward(dout, cache)` ("Vanilla RNN: backward" cell).
public enum CS231nRNNBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.rnn_backward",
        summary: "`rnn_forward` then `rnn_backward(dout, cache)` (\"Vanilla RNN: backward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, T, D)", "h0 (N, H)", "dout (N, T, H)"],
        parameters: ["Wx (D, H)", "Wh (H, H)", "b (H)"],
        outputs: ["h (N, T, H)", "dx (N, T, D)", "dh0 (N, H)", "dWx (D, H)", "dWh (H, H)", "db (H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let rnn = try CS231nRNN<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let x = try input.tensor("x")
        let h0 = try input.tensor("h0")
        let h = try rnn(x, h0: h0)
        let grads = try rnn.backward(try input.tensor("dout"), x: x, h0: h0, h: h)
        var trace = ReplayTrace<S>()
        trace.record("h", h)
        trace.record("dx", grads.dx)
        trace.record("dh0", grads.dh0)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}

/// `cs231n.lstm_step`: `lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)`, gates split i, f, o, g
/// ("LSTM: step forward" cell).
public enum CS231nLSTMStepReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.lstm_step",
        summary: "`lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b)`, gates split i, f, o, g (\"LSTM: step forward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, D)", "prev_h (N, H)", "prev_c (N, H)"],
        parameters: ["Wx (D, 4H)", "Wh (H, 4H)", "b (4H)"],
        outputs: ["a (N, 4H)", "i (N, H)", "f (N, H)", "o (N, H)", "g (N, H)", "next_c (N, H)", "next_h (N, H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let cell = try CS231nLSTMCell<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let step = try cell(try input.tensor("x"), prevH: try input.tensor("prev_h"), prevC: try input.tensor("prev_c"))
        var trace = ReplayTrace<S>()
        record(step, into: &trace)
        return trace
    }

    /// Records a step's `a`, `i`, `f`, `o`, `g`, `next_c`, `next_h`.
    static func record<S: TensorScalar>(_ step: CS231nLSTMCell<S>.Step, into trace: inout ReplayTrace<S>) {
        trace.record("a", step.a)
        trace.record("i", step.i)
        trace.record("f", step.f)
        trace.record("o", step.o)
        trace.record("g", step.g)
        trace.record("next_c", step.nextC)
        trace.record("next_h", step.nextH)
    }
}

/// `cs231n.lstm_step_backward`: `lstm_step_forward` then `lstm_step_backward(dnext_h, dnext_c, cache)`
/// ("LSTM: step backward" cell).
public enum CS231nLSTMStepBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.lstm_step_backward",
        summary: "`lstm_step_forward` then `lstm_step_backward(dnext_h, dnext_c, cache)` (\"LSTM: step backward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, D)", "prev_h (N, H)", "prev_c (N, H)", "dnext_h (N, H)", "dnext_c (N, H)"],
        parameters: ["Wx (D, 4H)", "Wh (H, 4H)", "b (4H)"],
        outputs: ["a (N, 4H)", "i", "f", "o", "g", "next_c", "next_h (N, H)", "dx (N, D)", "dprev_h (N, H)", "dprev_c (N, H)", "dWx (D, 4H)", "dWh (H, 4H)", "db (4H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let cell = try CS231nLSTMCell<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let x = try input.tensor("x")
        let prevH = try input.tensor("prev_h")
        let prevC = try input.tensor("prev_c")
        let step = try cell(x, prevH: prevH, prevC: prevC)
        let grads = try cell.backward(
            dnextH: try input.tensor("dnext_h"), dnextC: try input.tensor("dnext_c"), x: x, prevH: prevH, prevC: prevC,
            step: step)
        var trace = ReplayTrace<S>()
        CS231nLSTMStepReplay.record(step, into: &trace)
        trace.record("dx", grads.dx)
        trace.record("dprev_h", grads.dprevH)
        trace.record("dprev_c", grads.dprevC)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}

/// `cs231n.lstm`: `lstm_forward(x, h0, Wx, Wh, b)` with c0 = 0 ("LSTM: forward" cell).
public enum CS231nLSTMReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.lstm",
        summary: "`lstm_forward(x, h0, Wx, Wh, b)` with c0 = 0 (\"LSTM: forward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, T, D)", "h0 (N, H)"],
        parameters: ["Wx (D, 4H)", "Wh (H, 4H)", "b (4H)"],
        outputs: ["c (N, T, H) the cell states the cache keeps", "h (N, T, H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let lstm = try CS231nLSTM<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let out = try lstm(try input.tensor("x"), h0: try input.tensor("h0"))
        var trace = ReplayTrace<S>()
        trace.record("c", out.c)
        trace.record("h", out.h)
        return trace
    }
}

/// `cs231n.lstm_backward`: `lstm_forward` (c0 = 0) then `lstm_backward(dout, cache)` ("LSTM: backward" cell).
public enum CS231nLSTMBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.lstm_backward",
        summary: "`lstm_forward` (c0 = 0) then `lstm_backward(dout, cache)` (\"LSTM: backward\" cell).",
        config: [.int("input_dim", "D"), .int("hidden_dim", "H")],
        inputs: ["x (N, T, D)", "h0 (N, H)", "dout (N, T, H)"],
        parameters: ["Wx (D, 4H)", "Wh (H, 4H)", "b (4H)"],
        outputs: ["c (N, T, H)", "h (N, T, H)", "dx (N, T, D)", "dh0 (N, H)", "dWx (D, 4H)", "dWh (H, 4H)", "db (4H)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let lstm = try CS231nLSTM<S>(
            inputDim: try input.config.int("input_dim"), hiddenDim: try input.config.int("hidden_dim"), parameters: &input.parameters)
        let x = try input.tensor("x")
        let h0 = try input.tensor("h0")
        let out = try lstm(x, h0: h0)
        let grads = try lstm.backward(try input.tensor("dout"), x: x, h0: h0, forward: out)
        var trace = ReplayTrace<S>()
        trace.record("c", out.c)
        trace.record("h", out.h)
        trace.record("dx", grads.dx)
        trace.record("dh0", grads.dh0)
        trace.record("dWx", grads.dWx)
        trace.record("dWh", grads.dWh)
        trace.record("db", grads.db)
        return trace
    }
}

/// `cs231n.word_embedding`: `word_embedding_forward(x, W)` = `W[x]` ("Word embedding: forward" cell).
public enum CS231nWordEmbeddingReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.word_embedding",
        summary: "`word_embedding_forward(x, W)` = `W[x]` (\"Word embedding: forward\" cell).",
        config: [.int("vocab_size", "V"), .int("wordvec_dim", "D")],
        inputs: ["x (N, T) int64"],
        parameters: ["W (V, D)"],
        outputs: ["out (N, T, D)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let embedding = try CS231nWordEmbedding<S>(
            vocabSize: try input.config.int("vocab_size"), wordvecDim: try input.config.int("wordvec_dim"), parameters: &input.parameters)
        var trace = ReplayTrace<S>()
        trace.record("out", try embedding(try input.indices("x")))
        return trace
    }
}

/// `cs231n.word_embedding_backward`: `word_embedding_forward` then `word_embedding_backward(dout, cache)`
/// (`np.add.at`; "Word embedding: backward" cell).
public enum CS231nWordEmbeddingBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.word_embedding_backward",
        summary: "`word_embedding_forward` then `word_embedding_backward(dout, cache)` (`np.add.at`; \"Word embedding: backward\" cell).",
        config: [.int("vocab_size", "V"), .int("wordvec_dim", "D")],
        inputs: ["x (N, T) int64", "dout (N, T, D)"],
        parameters: ["W (V, D)"],
        outputs: ["out (N, T, D)", "dW (V, D)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let embedding = try CS231nWordEmbedding<S>(
            vocabSize: try input.config.int("vocab_size"), wordvecDim: try input.config.int("wordvec_dim"), parameters: &input.parameters)
        let x = try input.indices("x")
        var trace = ReplayTrace<S>()
        trace.record("out", try embedding(x))
        trace.record("dW", try embedding.backward(try input.tensor("dout"), x: x))
        return trace
    }
}

/// `cs231n.temporal_affine`: `temporal_affine_forward(x, w, b)` (the "Temporal affine layer" cell's forward).
public enum CS231nTemporalAffineReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.temporal_affine",
        summary: "`temporal_affine_forward(x, w, b)` (the \"Temporal affine layer\" cell's forward).",
        config: [.int("input_dim", "D"), .int("output_dim", "M")],
        inputs: ["x (N, T, D)"],
        parameters: ["w (D, M)", "b (M)"],
        outputs: ["out (N, T, M)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let affine = try CS231nTemporalAffine<S>(
            inputDim: try input.config.int("input_dim"), outputDim: try input.config.int("output_dim"), parameters: &input.parameters)
        var trace = ReplayTrace<S>()
        trace.record("out", try affine(try input.tensor("x")))
        return trace
    }
}

/// `cs231n.temporal_affine_backward`: `temporal_affine_forward` then `temporal_affine_backward(dout, cache)`
/// ("Temporal affine layer" gradient-check cell).
public enum CS231nTemporalAffineBackwardReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.temporal_affine_backward",
        summary: "`temporal_affine_forward` then `temporal_affine_backward(dout, cache)` (\"Temporal affine layer\" gradient-check cell).",
        config: [.int("input_dim", "D"), .int("output_dim", "M")],
        inputs: ["x (N, T, D)", "dout (N, T, M)"],
        parameters: ["w (D, M)", "b (M)"],
        outputs: ["out (N, T, M)", "dx (N, T, D)", "dw (D, M)", "db (M)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let affine = try CS231nTemporalAffine<S>(
            inputDim: try input.config.int("input_dim"), outputDim: try input.config.int("output_dim"), parameters: &input.parameters)
        let x = try input.tensor("x")
        let grads = try affine.backward(try input.tensor("dout"), x: x)
        var trace = ReplayTrace<S>()
        trace.record("out", try affine(x))
        trace.record("dx", grads.dx)
        trace.record("dw", grads.dw)
        trace.record("db", grads.db)
        return trace
    }
}

/// `cs231n.temporal_softmax_loss`: `temporal_softmax_loss(x, y, mask)`, masked, summed over time, divided by N
/// ("Temporal Softmax loss" cell).
public enum CS231nTemporalSoftmaxLossReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.temporal_softmax_loss",
        summary: "`temporal_softmax_loss(x, y, mask)`, masked, summed over time, divided by N (\"Temporal Softmax loss\" cell).",
        config: [.int("vocab_size", "V")],
        inputs: ["x (N, T, V)", "y (N, T) int64", "mask (N, T) bool"],
        parameters: [],
        outputs: ["probs (N, T, V)", "loss ()", "dx (N, T, V)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let vocabSize = try input.config.int("vocab_size")
        let x = try input.tensor("x")
        guard x.rank == 3, x.shape[2] == vocabSize else {
            throw ReplayError("x has shape \(x.shape), the config's vocab_size is \(vocabSize)")
        }
        let out = try CS231nTemporalSoftmaxLoss()(x, try input.indices("y"), mask: try input.mask("mask"))
        var trace = ReplayTrace<S>()
        trace.record("probs", out.probs)
        trace.record("loss", out.loss)
        trace.record("dx", out.dx)
        return trace
    }
}

/// `cs231n.captioning_rnn_loss`: `CaptioningRNN.loss(features, captions)`, forward and every gradient
/// ("RNN for image captioning" / "LSTM captioning model" / "Check gradients" cells).
public enum CaptioningRNNLossReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.captioning_rnn_loss",
        summary: "`CaptioningRNN.loss(features, captions)`, forward and every gradient (\"RNN for image captioning\" / \"LSTM captioning model\" / \"Check gradients\" cells).",
        config: [.string("cell_type", ["rnn", "lstm"]), .int("input_dim", "D"), .int("wordvec_dim", "W"), .int("hidden_dim", "H"), .int("vocab_size", "V"), .int("null_index", min: 0)],
        inputs: ["features (N, D)", "captions (N, T) int64"],
        parameters: ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"],
        outputs: ["h0", "x", "c (lstm only)", "h", "scores", "probs", "loss", "dscores", "dh", "grads.W_vocab", "grads.b_vocab", "dx", "dh0", "grads.Wx", "grads.Wh", "grads.b", "grads.W_embed", "grads.W_proj", "grads.b_proj"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
                let cellName = try input.config.string("cell_type")
        guard let cellType = CaptioningRNN<S>.CellType(rawValue: cellName) else {
            throw ReplayError("config 'cell_type' is '\(cellName)', expected 'rnn' or 'lstm'")
        }
        let model = try CaptioningRNN<S>(
            cellType: cellType, inputDim: try input.config.int("input_dim"), wordvecDim: try input.config.int("wordvec_dim"),
            hiddenDim: try input.config.int("hidden_dim"), vocabSize: try input.config.int("vocab_size"),
            nullIndex: try input.config.int("null_index"), parameters: &input.parameters)
        let out = try model.loss(features: try input.tensor("features"), captions: try input.indices("captions"))
        var trace = ReplayTrace<S>()
        trace.record("h0", out.h0)
        trace.record("x", out.x)
        if let c = out.c { trace.record("c", c) }
        trace.record("h", out.h)
        trace.record("scores", out.scores)
        trace.record("probs", out.probs)
        trace.record("loss", out.loss)
        trace.record("dscores", out.dscores)
        trace.record("dh", out.dh)
        trace.record("grads.W_vocab", out.grads["W_vocab"]!)
        trace.record("grads.b_vocab", out.grads["b_vocab"]!)
        trace.record("dx", out.dx)
        trace.record("dh0", out.dh0)
        for key in ["Wx", "Wh", "b", "W_embed", "W_proj", "b_proj"] {
            trace.record("grads.\(key)", out.grads[key]!)
        }
        return trace
    }
}

/// `cs231n.captioning_solver`: iterations of cs231n's `CaptioningSolver.train()` with `update_rule='adam'` (the
/// assignment's `optim.adam`, `CS231nAdam`) on recorded minibatches:
///
///     for t in range(steps):
///         loss, grads = model.loss(features[t], captions[t])                        # CaptioningRNN.loss
///         for p, w in model.params.items(): model.params[p], optim_configs[p] = adam(w, grads[p], optim_configs[p])
///         if (t + 1) % iterations_per_epoch == 0: every optim_configs[p]['learning_rate'] *= lr_decay
///
/// The assignment's loss computes no gradient of `features`, so none is recorded.
public enum CaptioningSolverReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.captioning_solver",
        summary: "Iterations of `CaptioningSolver.train()` with `update_rule='adam'` (the assignment's `optim.adam`), on recorded minibatches.",
        config: [.string("cell_type", ["rnn", "lstm"]), .int("input_dim", "D"), .int("wordvec_dim", "W"), .int("hidden_dim", "H"),
                 .int("vocab_size", "V"), .int("null_index", min: 0), .int("steps"), .int("iterations_per_epoch"),
                 .number("learning_rate"), .number("lr_decay"), .number("beta1"), .number("beta2"), .number("epsilon")],
        inputs: ["features (steps, B, D)", "captions (steps, B, T) int64"],
        parameters: ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"],
        outputs: ["per iteration k: loss<k> ()",
                  "grad<k>.<key> in backward order (W_vocab, b_vocab, Wx, Wh, b, W_embed, W_proj, b_proj)",
                  "param<k>.<key> after the update, in model.params order"])
    static let gradientOrder = ["W_vocab", "b_vocab", "Wx", "Wh", "b", "W_embed", "W_proj", "b_proj"]
    static let parameterOrder = ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"]

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.config
        let cellType = CaptioningRNN<S>.CellType(rawValue: try config.string("cell_type"))!   // declared: rnn | lstm
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
        guard features.rank == 3, features.shape[0] == steps,
            captions.rank == 3, Array(captions.shape.prefix(2)) == Array(features.shape.prefix(2))
        else {
            throw ReplayError(
                "inputs 'features' \(features.shape) and 'captions' \(captions.shape): expected (steps = \(steps), B, D) and (steps, B, T)",
                kind: "input")
        }
        func model(_ store: inout ParameterStore<S>) throws -> CaptioningRNN<S> {
            try CaptioningRNN<S>(
                cellType: cellType, inputDim: inputDim, wordvecDim: wordvecDim, hiddenDim: hiddenDim,
                vocabSize: vocabSize, nullIndex: nullIndex, parameters: &store)
        }
        var parameters: [String: Tensor<S>] = [:]
        for key in parameterOrder {
            let shape = try parameterShape(key, cellType, inputDim, wordvecDim, hiddenDim, vocabSize)
            parameters[key] = try input.parameters.take(key, shape: shape)
        }

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

/// `cs231n.captioning_sample`: `CaptioningRNN.sample(features, max_length)`, greedy decoding at test time (the
/// "Test-time sampling" cells of RNN_Captioning.ipynb / LSTM_Captioning.ipynb). `captions` holds the chosen word
/// indices in the case's floating dtype (exact small integers), because outputs are compared as floating tensors.
public enum CaptioningSampleReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "cs231n.captioning_sample",
        summary: "`CaptioningRNN.sample(features, max_length)`, greedy decoding (the \"Test-time sampling\" cells).",
        config: [.string("cell_type", ["rnn", "lstm"]), .int("input_dim", "D"), .int("wordvec_dim", "W"), .int("hidden_dim", "H"),
                 .int("vocab_size", "V"), .int("null_index", min: 0), .int("start_index", min: 0, "`<START>`"),
                 .int("max_length")],
        inputs: ["features (N, D)"],
        parameters: ["W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab"],
        outputs: ["h0 (N, H)", "h (N, max_length, H)", "scores (N, max_length, V)",
                  "captions (N, max_length) word indices in the case's dtype"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.config
        let cellType = CaptioningRNN<S>.CellType(rawValue: try config.string("cell_type"))!   // declared: rnn | lstm
        let model = try CaptioningRNN<S>(
            cellType: cellType, inputDim: try config.int("input_dim"), wordvecDim: try config.int("wordvec_dim"),
            hiddenDim: try config.int("hidden_dim"), vocabSize: try config.int("vocab_size"),
            nullIndex: try config.int("null_index"), parameters: &input.parameters)
        let out = try model.sample(
            features: try input.tensor("features"), startIndex: try config.int("start_index"),
            maxLength: try config.int("max_length"))
        var trace = ReplayTrace<S>()
        trace.record("h0", out.h0)
        trace.record("h", out.h)
        trace.record("scores", out.scores)
        trace.record("captions", out.captions.map { S(Int($0)) })
        return trace
    }
}
