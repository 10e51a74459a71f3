public import Tensors

extension CaptioningRNN {
    /// What `sample` computed: the initial state, every step's hidden state and scores, and the decoded words.
    public struct Sample: Sendable {
        /// `(N, H)`: `features W_proj + b_proj`.
        public var h0: Tensor<S>
        /// `(N, max_length, H)`, `(N, max_length, V)`: the state and the vocabulary scores after each step.
        public var h: Tensor<S>
        public var scores: Tensor<S>
        /// `(N, max_length)`: the word index chosen at each step (the assignment's int32 `captions`).
        public var captions: Tensor<Int64>
    }

    /// `CaptioningRNN.sample(features, max_length)`: greedy decoding at test time, as the assignment's solution
    /// writes it (no stop at `<END>`: every one of the `max_length` columns is filled):
    ///
    ///     h = features W_proj + b_proj;  c = 0;  word = <START>
    ///     for t in 0 ..< max_length:
    ///         h (, c) = rnn_step_forward(W_embed[word], h) or lstm_step_forward(W_embed[word], h, c)
    ///         scores = h W_vocab + b_vocab;  word = argmax(scores, axis=1);  captions[:, t] = word
    ///
    /// `argmax` takes the first index of the largest score, as NumPy does. Shapes: `features: (N, D)`.
    /// Matches the "Test-time sampling" cells of RNN_Captioning.ipynb and LSTM_Captioning.ipynb.
    public func sample(features: Tensor<S>, startIndex: Int, maxLength: Int = 30) throws(LayerError) -> Sample {
        try LayerError.check("CaptioningRNN", "features", features, is: [-1, wProj.shape[0]])
        guard startIndex >= 0, startIndex < embedding.vocabSize, maxLength >= 1 else {
            throw LayerError("CaptioningRNN", "sample: start index \(startIndex) of \(embedding.vocabSize) words, max_length \(maxLength)")
        }
        let n = features.shape[0]
        let h0 = features.matmul(wProj).addingRow(bProj)
        var h = h0
        var c = Tensor<S>.zeros(h0.shape)
        var word = Tensor<Int64>(shape: [n], repeating: Int64(startIndex))
        var states: [Tensor<S>] = []
        var allScores: [Tensor<S>] = []
        var captions: [Tensor<Int64>] = []
        let vocabSize = vocab.w.shape[1]
        for _ in 0..<maxLength {
            let x = try embedding(word)
            switch recurrence {
            case .rnn(let rnn): h = try rnn.cell(x, prevH: h)
            case .lstm(let lstm):
                let step = try lstm.cell(x, prevH: h, prevC: c)
                (h, c) = (step.nextH, step.nextC)
            }
            let scores = h.matmul(vocab.w).addingRow(vocab.b)
            var chosen = [Int64](repeating: 0, count: n)
            for row in 0..<n {
                var best = 0
                for j in 1..<vocabSize where scores[row, j] > scores[row, best] { best = j }
                chosen[row] = Int64(best)
            }
            word = Tensor(shape: [n], scalars: chosen)
            states.append(h)
            allScores.append(scores)
            captions.append(word.reshaped([n, 1]))
        }
        return Sample(
            h0: h0, h: .cs231nStackedAlongAxis1(states), scores: .cs231nStackedAlongAxis1(allScores),
            captions: Tensor.concatenated(captions, axis: 1))
    }
}
