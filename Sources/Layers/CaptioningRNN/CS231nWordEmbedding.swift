public import Tensors

/// cs231n `word_embedding_forward`/`_backward`: `out = W[x]`; the backward pass scatters `dout` back with
/// `np.add.at(dW, x, dout)`, so a word used several times accumulates every gradient (in row-major order of `x`).
///
/// Shapes: `x: (N, T)` int64 in `0..<V` -> `out: (N, T, D)`; `W: (V, D)` (key `W`); backward `dout: (N, T, D)` -> `dW: (V, D)`.
/// Matches the "Word embedding: forward / backward" cells of RNN_Captioning.ipynb.
public struct CS231nWordEmbedding<S: TensorScalar>: Sendable {
    public let weight: Tensor<S>

    public var vocabSize: Int { weight.shape[0] }
    public var wordvecDim: Int { weight.shape[1] }

    public init(weight: Tensor<S>) { self.weight = weight }

    /// Loads `key` with shape `(V, D)`.
    public init(vocabSize: Int, wordvecDim: Int, parameters: inout ParameterStore<S>, key: String = "W") throws(ParameterError) {
        weight = try parameters.take(key, shape: [vocabSize, wordvecDim])
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<Int64>) throws(LayerError) -> Tensor<S> {
        try checkIndices(x)
        let d = wordvecDim
        var out = [S]()
        out.reserveCapacity(x.count * d)
        for index in x.scalars {
            let row = Int(index) * d
            out.append(contentsOf: weight.scalars[row..<(row + d)])
        }
        return Tensor(shape: x.shape + [d], scalars: out)
    }

    /// `dW` with `np.add.at(dW, x, dout)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ dout: Tensor<S>, x: Tensor<Int64>) throws(LayerError) -> Tensor<S> {
        try checkIndices(x)
        try LayerError.check("CS231nWordEmbedding", "dout", dout, is: x.shape + [wordvecDim])
        let d = wordvecDim
        var dW = [S](repeating: 0, count: weight.count)
        for (position, index) in x.scalars.enumerated() {
            let row = Int(index) * d
            for j in 0..<d { dW[row + j] += dout.scalars[position * d + j] }
        }
        return Tensor(shape: weight.shape, scalars: dW)
    }

    private func checkIndices(_ x: Tensor<Int64>) throws(LayerError) {
        if let bad = x.scalars.firstIndex(where: { $0 < 0 || $0 >= Int64(vocabSize) }) {
            throw LayerError("CS231nWordEmbedding", "index \(x.scalars[bad]) at \(x.index(ofOffset: bad)) is outside 0..<\(vocabSize)")
        }
    }
}
