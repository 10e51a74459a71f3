public import Tensors

/// cs231n 2022 assignment 3 `classifiers/rnn.py` `CaptioningRNN.loss`: image features to the initial hidden state,
/// teacher-forced captions through a vanilla RNN or an LSTM, then every gradient.
///
///     captions_in = captions[:, :-1],  captions_out = captions[:, 1:],  mask = captions_out != NULL
///     h0 = features W_proj + b_proj                       (N, H)
///     x = W_embed[captions_in]                            (N, T-1, W)
///     h = rnn(x, h0) or lstm(x, h0) (gates i, f, o, g; c0 = 0)   (N, T-1, H)
///     scores = h W_vocab + b_vocab                        (N, T-1, V)
///     loss, dscores = temporal_softmax_loss(scores, captions_out, mask)
///
/// then the backward pass in reverse (temporal affine, rnn/lstm, embedding, projection).
/// Shapes: `features: (N, D)`, `captions: (N, T)` int64. Parameters (the assignment's `model.params` keys, row-vector
/// layout): `W_embed (V, W)`, `W_proj (D, H)`, `b_proj (H)`, `Wx (W, kH)`, `Wh (H, kH)`, `b (kH)`, `W_vocab (H, V)`,
/// `b_vocab (V)` with `k = 1` (rnn) or `4` (lstm). Matches the "RNN for image captioning" cell of
/// RNN_Captioning.ipynb and the "LSTM captioning model" cell of LSTM_Captioning.ipynb.
public struct CaptioningRNN<S: TensorScalar>: Sendable {
    /// Which recurrent cell the model runs.
    public enum CellType: String, Sendable {
        case rnn, lstm
    }

    /// Every intermediate of `loss`, in dataflow order; `c` only for the LSTM.
    public struct Output: Sendable {
        public var h0: Tensor<S>
        public var x: Tensor<S>
        public var c: Tensor<S>?
        public var h: Tensor<S>
        public var scores: Tensor<S>
        public var probs: Tensor<S>
        public var loss: Tensor<S>
        public var dscores: Tensor<S>
        public var dh: Tensor<S>
        public var dx: Tensor<S>
        public var dh0: Tensor<S>
        /// The gradient of each parameter, by its `model.params` key.
        public var grads: [String: Tensor<S>]
    }

    enum Recurrence: Sendable {
        case rnn(CS231nRNN<S>)
        case lstm(CS231nLSTM<S>)
    }

    public let cellType: CellType
    public let nullIndex: Int64
    public let embedding: CS231nWordEmbedding<S>
    public let wProj: Tensor<S>
    public let bProj: Tensor<S>
    public let vocab: CS231nTemporalAffine<S>
    let recurrence: Recurrence

    /// Loads the eight `model.params` entries strictly.
    public init(
        cellType: CellType, inputDim: Int, wordvecDim: Int, hiddenDim: Int, vocabSize: Int, nullIndex: Int,
        parameters: inout ParameterStore<S>
    ) throws(ParameterError) {
        self.cellType = cellType
        self.nullIndex = Int64(nullIndex)
        embedding = try CS231nWordEmbedding(vocabSize: vocabSize, wordvecDim: wordvecDim, parameters: &parameters, key: "W_embed")
        wProj = try parameters.take("W_proj", shape: [inputDim, hiddenDim])
        bProj = try parameters.take("b_proj", shape: [hiddenDim])
        switch cellType {
        case .rnn: recurrence = .rnn(try CS231nRNN(inputDim: wordvecDim, hiddenDim: hiddenDim, parameters: &parameters))
        case .lstm: recurrence = .lstm(try CS231nLSTM(inputDim: wordvecDim, hiddenDim: hiddenDim, parameters: &parameters))
        }
        vocab = try CS231nTemporalAffine(
            inputDim: hiddenDim, outputDim: vocabSize, parameters: &parameters, weightKey: "W_vocab", biasKey: "b_vocab")
    }

    /// `CaptioningRNN.loss(features, captions)`: the loss and every gradient.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func loss(features: Tensor<S>, captions: Tensor<Int64>) throws(LayerError) -> Output {
        try LayerError.check("CaptioningRNN", "features", features, is: [-1, wProj.shape[0]])
        try LayerError.check("CaptioningRNN", "captions", captions, is: [features.shape[0], -1])
        let length = captions.shape[1]
        guard length >= 2 else { throw LayerError("CaptioningRNN", "captions have shape \(captions.shape): need T >= 2") }
        let captionsIn = captions.slice(axis: 1, 0..<(length - 1))
        let captionsOut = captions.slice(axis: 1, 1..<length)
        let mask = captionsOut.map { $0 != nullIndex }

        let h0 = features.matmul(wProj).addingRow(bProj)
        let x = try embedding(captionsIn)
        var c: Tensor<S>? = nil
        let h: Tensor<S>
        var lstmForward: CS231nLSTM<S>.Output? = nil
        switch recurrence {
        case .rnn(let rnn): h = try rnn(x, h0: h0)
        case .lstm(let lstm):
            let out = try lstm(x, h0: h0)
            lstmForward = out
            c = out.c
            h = out.h
        }
        let scores = try vocab(h)
        let softmax = try CS231nTemporalSoftmaxLoss()(scores, captionsOut, mask: mask)

        var grads: [String: Tensor<S>] = [:]
        let affine = try vocab.backward(softmax.dx, x: h)
        grads["W_vocab"] = affine.dw
        grads["b_vocab"] = affine.db
        let dx: Tensor<S>
        let dh0: Tensor<S>
        switch recurrence {
        case .rnn(let rnn):
            let g = try rnn.backward(affine.dx, x: x, h0: h0, h: h)
            (dx, dh0) = (g.dx, g.dh0)
            (grads["Wx"], grads["Wh"], grads["b"]) = (g.dWx, g.dWh, g.db)
        case .lstm(let lstm):
            let g = try lstm.backward(affine.dx, x: x, h0: h0, forward: lstmForward!)
            (dx, dh0) = (g.dx, g.dh0)
            (grads["Wx"], grads["Wh"], grads["b"]) = (g.dWx, g.dWh, g.db)
        }
        grads["W_embed"] = try embedding.backward(dx, x: captionsIn)
        grads["W_proj"] = features.transposedMatmul(dh0)  // features.T @ dh0: one GEMM with op(A) = A^T, as NumPy calls it
        grads["b_proj"] = dh0.cs231nSumOverRows()
        return Output(
            h0: h0, x: x, c: c, h: h, scores: scores, probs: softmax.probs, loss: softmax.loss, dscores: softmax.dx,
            dh: affine.dx, dx: dx, dh0: dh0, grads: grads)
    }
}
