public import Tensors
import Foundation

/// A multi-layer LSTM over batch-first sequences (`nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)`).
///
/// Per layer `k` and step `t`, with PyTorch's gate order i, f, g, o in the rows of `weight_ih_l{k}`/`weight_hh_l{k}`:
///
///     [i f g o] = ((x_t W_ih^T + h_{t-1} W_hh^T) + b_ih) + b_hh
///     i, f, o = sigmoid(.), g = tanh(.)
///     c_t = f * c_{t-1} + i * g,    h_t = o * tanh(c_t)
///
/// Layer `k > 0` reads the outputs `h_t` of layer `k - 1`.
/// Shapes: `x: (N, L, Q)`, `h0, c0: (K, N, D)` -> `output: (N, L, D)` (last layer's `h_t`), `hn, cn: (K, N, D)`.
/// Parameters (K layers): `weight_ih_l{k}: (4D, Q or D)`, `weight_hh_l{k}: (4D, D)`, `bias_ih_l{k}`, `bias_hh_l{k}: (4D)`.
/// Matches `R.rnn` in boostcamp `lstm.ipynb`.
public struct LSTM<S: TensorScalar>: Sendable {
    /// One layer's parameters, in PyTorch's layout.
    public struct LayerWeights: Sendable {
        public let inputHidden: Tensor<S>   // weight_ih_l{k}: (4D, input)
        public let hiddenHidden: Tensor<S>  // weight_hh_l{k}: (4D, D)
        public let inputBias: Tensor<S>     // bias_ih_l{k}: (4D)
        public let hiddenBias: Tensor<S>    // bias_hh_l{k}: (4D)
    }

    /// The result of a forward pass.
    public struct Output: Sendable {
        /// `(N, L, D)`: the last layer's hidden state at every step.
        public var output: Tensor<S>
        /// `(K, N, D)`: every layer's hidden state after the last step.
        public var hn: Tensor<S>
        /// `(K, N, D)`: every layer's cell state after the last step.
        public var cn: Tensor<S>
    }

    public let inputSize: Int
    public let hiddenSize: Int
    public let layers: [LayerWeights]

    public var numLayers: Int { layers.count }

    /// Loads `{prefix}weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` for every layer.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int,
        parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        var layers: [LayerWeights] = []
        for k in 0..<numLayers {
            let input = k == 0 ? inputSize : hiddenSize
            layers.append(LayerWeights(
                inputHidden: try parameters.take("\(prefix)weight_ih_l\(k)", shape: [4 * hiddenSize, input]),
                hiddenHidden: try parameters.take("\(prefix)weight_hh_l\(k)", shape: [4 * hiddenSize, hiddenSize]),
                inputBias: try parameters.take("\(prefix)bias_ih_l\(k)", shape: [4 * hiddenSize]),
                hiddenBias: try parameters.take("\(prefix)bias_hh_l\(k)", shape: [4 * hiddenSize])))
        }
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layers = layers
    }

    /// The number of parameters: `sum_k 4D (in_k + D + 2)`.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.inputHidden.count + $1.hiddenHidden.count + $1.inputBias.count + $1.hiddenBias.count }
    }

    /// The gate nonlinearities in place in one row `[i f g o]` of `4D` holding `x_t W_ih^T + h_{t-1} W_hh^T`: each
    /// slot first takes its biases, `a = (row + b_ih) + b_hh`; then the i, f, o slots become `exp(-a)` (the caller
    /// forms the sigmoid `1 / (1 + exp(-a))`), the g slot `tanh(a)`, vectorized. The biases are added here, where the
    /// row is in cache for its step, rather than in a pass of their own over the whole sequence's projection. The
    /// inference and the training forward both call it, so their gates round alike, bit for bit.
    @inlinable
    static func activateGatesInPlace(
        _ row: UnsafeMutablePointer<S>, d: Int, inputBias: UnsafePointer<S>, hiddenBias: UnsafePointer<S>
    ) {
        // Pointers per gate, so that the loops vectorize.
        let (iAndF, bihIF, bhhIF) = (row, inputBias, hiddenBias)
        for j in 0..<(2 * d) { iAndF[j] = -((iAndF[j] + bihIF[j]) + bhhIF[j]) }
        let (g, bihG, bhhG) = (row + 2 * d, inputBias + 2 * d, hiddenBias + 2 * d)
        for j in 0..<d { g[j] = (g[j] + bihG[j]) + bhhG[j] }
        let (o, bihO, bhhO) = (row + 3 * d, inputBias + 3 * d, hiddenBias + 3 * d)
        for j in 0..<d { o[j] = -((o[j] + bihO[j]) + bhhO[j]) }
        S.vectorExp(row, row, count: 2 * d)
        S.vectorExp(o, o, count: d)
        S.vectorTanh(g, g, count: d)
    }

    /// Checks `x: (N, L, Q)` (non-empty) and the optional states `h0`, `c0: (K, N, D)`; zeros where none is given.
    @usableFromInline
    func checkedInput(
        _ x: Tensor<S>, h0: Tensor<S>?, c0: Tensor<S>?
    ) throws(LayerError) -> (n: Int, length: Int, h0: Tensor<S>, c0: Tensor<S>) {
        try LayerError.check("LSTM", "input x", x, is: [-1, -1, inputSize])
        let (n, length, d) = (x.shape[0], x.shape[1], hiddenSize)
        guard n > 0, length > 0 else { throw LayerError("LSTM", "input x has shape \(x.shape): empty batch or sequence") }
        let stateShape = [numLayers, n, d]
        if let h0 { try LayerError.check("LSTM", "h0", h0, is: stateShape) }
        if let c0 { try LayerError.check("LSTM", "c0", c0, is: stateShape) }
        let h0 = h0 ?? .zeros(stateShape)
        let c0 = c0 ?? .zeros(stateShape)
        return (n, length, h0, c0)
    }

    /// Runs the sequence; `h0`/`c0` default to zeros, as in the notebook's `forward`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, h0: Tensor<S>? = nil, c0: Tensor<S>? = nil) throws(LayerError) -> Output {
        let (n, length, h0, c0) = try checkedInput(x, h0: h0, c0: c0)
        let d = hiddenSize

        var sequence = x
        var hn: [Tensor<S>] = []
        var cn: [Tensor<S>] = []
        for (k, weights) in layers.enumerated() {
            let (out, h, c) = Self.runLayer(
                sequence, weights: weights, h0: h0.select(axis: 0, k), c0: c0.select(axis: 0, k),
                n: n, length: length, d: d)
            sequence = out
            hn.append(h)
            cn.append(c)
        }
        return Output(
            output: sequence,
            hn: Tensor.concatenated(hn.map { $0.reshaped([1, n, d]) }, axis: 0),
            cn: Tensor.concatenated(cn.map { $0.reshaped([1, n, d]) }, axis: 0))
    }

    /// One layer over the whole sequence: `x: (N, L, in), h0, c0: (N, D) -> (N, L, D), hn, cn: (N, D)`.
    /// Pre-specialized: callers across modules are generic over `S`, and the step loop must not pay for that.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    private static func runLayer(
        _ x: Tensor<S>, weights: LayerWeights, h0: Tensor<S>, c0: Tensor<S>, n: Int, length: Int, d: Int
    ) -> (Tensor<S>, Tensor<S>, Tensor<S>) {
        let width = 4 * d
        let inputSize = x.shape[2]
        // Step t's pre-activations (N, 4D): x_t W_ih^T, then += h_{t-1} W_hh^T in place, then the biases (in
        // `activateGatesInPlace`). When every step is projected at once (`projectAllSteps`), each step's product
        // accumulates into its rows `t, L+t, ...` of that buffer (leading dimension L*4D); otherwise one step's
        // buffer is reused (`projectStep`): the whole sequence's projection was 117 MB at batch 1024.
        var projected = Self.projectAllSteps(x, weights: weights.inputHidden, n: n, length: length, width: width)
        var pre = [S](repeating: 0, count: projected == nil ? n * width : 0)
        var output = [S](repeating: 0, count: n * length * d)
        var h = h0.scalars
        var c = c0.scalars
        // Rows of the batch are independent: the pointwise part of a step runs in parallel chunks.
        let chunks = min(n, Self.pointwiseChunks)
        x.scalars.withUnsafeBufferPointer { xs in
        weights.inputHidden.scalars.withUnsafeBufferPointer { wih in
        weights.hiddenHidden.scalars.withUnsafeBufferPointer { whh in
        weights.inputBias.scalars.withUnsafeBufferPointer { bih in
        weights.hiddenBias.scalars.withUnsafeBufferPointer { bhh in
        h.withUnsafeMutableBufferPointer { h in
        c.withUnsafeMutableBufferPointer { c in
        output.withUnsafeMutableBufferPointer { out in
        pre.withUnsafeMutableBufferPointer { pre in
        Self.withOptionalBuffer(&projected) { all in
            let (xs, wih, whh, bih, bhh) = (
                xs.baseAddress!, wih.baseAddress!, whh.baseAddress!, bih.baseAddress!, bhh.baseAddress!)
            let (h, c, out) = (RowPointer(h.baseAddress!), RowPointer(c.baseAddress!), RowPointer(out.baseAddress!))
            for t in 0..<length {
                let gates: RowPointer<S>
                let stride: Int  // between a step's rows
                if let all {
                    (gates, stride) = (RowPointer(all + t * width), length * width)
                } else {
                    Self.projectStep(
                        xs, projected: nil, t: t, n: n, length: length, inputSize: inputSize, weights: wih,
                        into: pre.baseAddress!, width: width)
                    (gates, stride) = (RowPointer(pre.baseAddress!), width)
                }
                // gates_t += h_{t-1} W_hh^T
                S.gemm(
                    transposeA: false, transposeB: true, m: n, n: width, k: d, alpha: 1,
                    a: h.base, lda: d, b: whh, ldb: d, beta: 1, c: gates.base, ldc: stride)
                ParallelChunks.run(chunks: chunks) { chunk in
                    for b in (chunk * n / chunks)..<((chunk + 1) * n / chunks) {
                        let row = gates.base + b * stride
                        let (h, c, out) = (h.base + b * d, c.base + b * d, out.base + (b * length + t) * d)
                        // i, f, o = sigmoid(a) = 1 / (1 + exp(-a)); g = tanh(a); vectorized, in place in the row
                        Self.activateGatesInPlace(row, d: d, inputBias: bih, hiddenBias: bhh)
                        // exp(-a) of i, f, o and tanh(a) of g; pointers per gate, so that the loops vectorize
                        let (expI, expF, g, expO) = (row, row + d, row + 2 * d, row + 3 * d)
                        for j in 0..<d {
                            let i = 1 / (1 + expI[j])
                            let f = 1 / (1 + expF[j])
                            c[j] = f * c[j] + i * g[j]
                        }
                        // h = o * tanh(c); tanh(c) goes where g was
                        S.vectorTanh(c, g, count: d)
                        for j in 0..<d {
                            let o = 1 / (1 + expO[j])
                            let hidden = o * g[j]
                            h[j] = hidden
                            out[j] = hidden
                        }
                    }
                }
            }
        }}}}}}}}}}
        return (
            Tensor(shape: [n, length, d], scalars: output),
            Tensor(shape: [n, d], scalars: h), Tensor(shape: [n, d], scalars: c)
        )
    }

    /// The input projection of every step at once, `(N*L, 4D) = x W_ih^T`, up to 2^23 elements (32 MiB of Float): one
    /// large GEMM (a batch of one would otherwise re-read `W_ih` at every step for a one-row product; batch 256 runs
    /// 6% faster). Larger ones (nil; 117 MB at batch 1024) are projected step by step by `projectStep`, into a
    /// buffer that stays in cache.
    static func projectAllSteps(_ x: Tensor<S>, weights: Tensor<S>, n: Int, length: Int, width: Int) -> [S]? {
        n * length * width <= 1 << 23 ? x.reshaped([n * length, -1]).matmul(weights, transposeOther: true).scalars : nil
    }

    /// Step `t`'s input projection, `pre (N, 4D) = x_t W_ih^T`: rows `t, L + t, ...` of `projected`
    /// (`projectAllSteps`), or when nil one product over those rows of `x: (N*L, in)` with `weights: (4D, in)`. The
    /// inference and the training forward both call it, so that their gates round alike.
    static func projectStep(
        _ x: UnsafePointer<S>, projected: UnsafePointer<S>?, t: Int, n: Int, length: Int, inputSize: Int,
        weights: UnsafePointer<S>, into pre: UnsafeMutablePointer<S>, width: Int
    ) {
        if let projected {
            for b in 0..<n { (pre + b * width).update(from: projected + (b * length + t) * width, count: width) }
        } else {
            S.gemm(
                transposeA: false, transposeB: true, m: n, n: width, k: inputSize, alpha: 1, a: x + t * inputSize,
                lda: length * inputSize, b: weights, ldb: inputSize, beta: 0, c: pre, ldc: width)
        }
    }

    /// `body` with the buffer of `array`, or nil when there is none.
    private static func withOptionalBuffer<R>(
        _ array: inout [S]?, _ body: (UnsafeMutablePointer<S>?) -> R
    ) -> R {
        guard array != nil else { return body(nil) }
        return array!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    /// How many parallel chunks the pointwise part of a step is split into: one per core.
    private static var pointwiseChunks: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A buffer pointer handed to the parallel chunks of a step; each chunk writes its own rows only.
private struct RowPointer<S>: @unchecked Sendable {
    let base: UnsafeMutablePointer<S>
    init(_ base: UnsafeMutablePointer<S>) { self.base = base }
}
