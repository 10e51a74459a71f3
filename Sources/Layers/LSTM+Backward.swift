public import Tensors

extension LSTM {
    /// What backpropagation through time needs from a forward pass: per layer, its input sequence, its activated
    /// gates and its cell and hidden states at every step, with the initial state.
    public struct Tape: Sendable {
        /// One layer's saved values, batch-first and row-major.
        public struct Layer: Sendable {
            /// `(N, L, in)`: what the layer read (`x`, or the outputs of the layer below).
            public var input: Tensor<S>
            /// `(N, L, 4D)`: `sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)` at every step, PyTorch's gate order.
            public var gates: Tensor<S>
            /// `(N, L, D)`: `c_t`.
            public var cells: Tensor<S>
            /// `(N, L, D)`: `h_t`.
            public var hidden: Tensor<S>
            /// `(N, D)`: `h_0`, `c_0` of the layer.
            public var h0: Tensor<S>
            public var c0: Tensor<S>
        }

        /// The forward pass's result, the same as `callAsFunction` gives.
        public var output: Output
        public var layers: [Layer]
    }

    /// The gradients of every parameter and of the inputs.
    public struct Gradients: Sendable {
        /// `(N, L, Q)`: `dL/dx`.
        public var dx: Tensor<S>
        /// `(K, N, D)`: `dL/dh0`, `dL/dc0`.
        public var dh0: Tensor<S>
        public var dc0: Tensor<S>
        /// Per layer, in the layout of `LayerWeights`: `dW_ih (4D, in)`, `dW_hh (4D, D)`, `db_ih`, `db_hh (4D)`.
        public var layers: [LayerWeights]

        /// `(state_dict key, gradient)` for every parameter, layer by layer from the top one down (the order in
        /// which backpropagation completes them): `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`.
        public func named(prefix: String) -> [(String, Tensor<S>)] {
            layers.indices.reversed().flatMap { k -> [(String, Tensor<S>)] in
                let g = layers[k]
                return [
                    ("\(prefix)weight_ih_l\(k)", g.inputHidden), ("\(prefix)weight_hh_l\(k)", g.hiddenHidden),
                    ("\(prefix)bias_ih_l\(k)", g.inputBias), ("\(prefix)bias_hh_l\(k)", g.hiddenBias),
                ]
            }
        }
    }

    /// The forward pass of `callAsFunction`, keeping what `backward` needs: the same code (`LSTM.run`), so
    /// `tape.output` equals `callAsFunction`'s result bit for bit.
    public func forwardForTraining(_ x: Tensor<S>, h0: Tensor<S>? = nil, c0: Tensor<S>? = nil) throws(LayerError) -> Tape {
        let (output, layers) = try run(x, h0: h0, c0: c0, keepingTape: true)
        return Tape(output: output, layers: layers)
    }

    /// Backpropagation through time over every layer, from the top one down.
    ///
    /// Per layer and step, from `dh = dL/dh_t` (the upstream gradient plus the next step's) and `dc` (the next
    /// step's), with `a` the gate pre-activations:
    ///
    ///     do = dh * tanh(c_t)               dc += dh * o * (1 - tanh(c_t)^2)
    ///     di = dc * g    df = dc * c_{t-1}  dg = dc * i     dc_{t-1} = dc * f
    ///     da = [di i(1-i), df f(1-f), dg (1-g^2), do o(1-o)]          (N, 4D), gate order i, f, g, o
    ///     dh_{t-1} = da W_hh                dW_hh += da^T h_{t-1}
    ///     dx_t = da W_ih                    dW_ih += da^T x_t           db_ih = db_hh = sum da
    ///
    /// `dOutput: (N, L, D)` is `dL/d output`; `dhn`, `dcn: (K, N, D)` are `dL/dhn`, `dL/dcn` (zeros when nil).
    public func backward(
        _ tape: Tape, dOutput: Tensor<S>, dhn: Tensor<S>? = nil, dcn: Tensor<S>? = nil
    ) throws(LayerError) -> Gradients {
        let output = tape.output.output
        try LayerError.check("LSTM", "backward: dOutput", dOutput, is: output.shape)
        let (n, d) = (output.shape[0], hiddenSize)
        if let dhn { try LayerError.check("LSTM", "backward: dhn", dhn, is: [numLayers, n, d]) }
        if let dcn { try LayerError.check("LSTM", "backward: dcn", dcn, is: [numLayers, n, d]) }
        guard tape.layers.count == numLayers else {
            throw LayerError("LSTM", "backward: the tape has \(tape.layers.count) layers, the LSTM \(numLayers)")
        }
        var upstream = dOutput
        var grads: [LayerWeights] = []
        var dh0: [Tensor<S>] = []
        var dc0: [Tensor<S>] = []
        for k in layers.indices.reversed() {
            let g = Self.backwardLayer(
                upstream, tape.layers[k], weights: layers[k],
                dhT: dhn?.select(axis: 0, k) ?? .zeros([n, d]), dcT: dcn?.select(axis: 0, k) ?? .zeros([n, d]))
            grads.insert(g.weights, at: 0)
            dh0.insert(g.dh0.reshaped([1, n, d]), at: 0)
            dc0.insert(g.dc0.reshaped([1, n, d]), at: 0)
            upstream = g.dx
        }
        return Gradients(
            dx: upstream, dh0: Tensor.concatenated(dh0, axis: 0), dc0: Tensor.concatenated(dc0, axis: 0), layers: grads)
    }

    /// One layer backward: `dOut: (N, L, D)` -> `dx: (N, L, in)`, the layer's weight gradients, `dh0`, `dc0: (N, D)`.
    private static func backwardLayer(
        _ dOut: Tensor<S>, _ saved: Tape.Layer, weights: LayerWeights, dhT: Tensor<S>, dcT: Tensor<S>
    ) -> (dx: Tensor<S>, weights: LayerWeights, dh0: Tensor<S>, dc0: Tensor<S>) {
        let (n, length, d) = (dOut.shape[0], dOut.shape[1], dOut.shape[2])
        let width = 4 * d
        let (gates, cells, up) = (saved.gates.scalars, saved.cells.scalars, dOut.scalars)
        var da = [S](repeating: 0, count: n * length * width)
        var dhNext = dhT.scalars
        var dcNext = dcT.scalars
        var daStep = [S](repeating: 0, count: n * width)
        for t in (0..<length).reversed() {
            for b in 0..<n {
                let at = b * length + t
                for j in 0..<d {
                    let (i, f) = (gates[at * width + j], gates[at * width + d + j])
                    let (g, o) = (gates[at * width + 2 * d + j], gates[at * width + 3 * d + j])
                    let cell = cells[at * d + j]
                    let previous = t > 0 ? cells[(at - 1) * d + j] : saved.c0.scalars[b * d + j]
                    let tanhCell = Activation.tanh(cell)
                    let dh = up[at * d + j] + dhNext[b * d + j]
                    let dout = dh * tanhCell
                    let dc = dcNext[b * d + j] + dh * o * (1 - tanhCell * tanhCell)
                    let (di, df, dg) = (dc * g, dc * previous, dc * i)
                    dcNext[b * d + j] = dc * f
                    let base = at * width
                    da[base + j] = di * i * (1 - i)
                    da[base + d + j] = df * f * (1 - f)
                    da[base + 2 * d + j] = dg * (1 - g * g)
                    da[base + 3 * d + j] = dout * o * (1 - o)
                    for q in 0..<4 { daStep[b * width + q * d + j] = da[base + q * d + j] }
                }
            }
            // dh_{t-1} = da_t W_hh: (N, 4D) x (4D, D)
            daStep.withUnsafeBufferPointer { a in
                weights.hiddenHidden.scalars.withUnsafeBufferPointer { w in
                    dhNext.withUnsafeMutableBufferPointer { out in
                        S.gemm(
                            transposeA: false, transposeB: false, m: n, n: d, k: width, alpha: 1,
                            a: a.baseAddress!, lda: width, b: w.baseAddress!, ldb: d, beta: 0, c: out.baseAddress!, ldc: d)
                    }
                }
            }
        }
        let dA = Tensor(shape: [n * length, width], scalars: da)
        // h_{t-1} at every step: h0 at t = 0, else the previous step's output.
        var previousHidden = [S](repeating: 0, count: n * length * d)
        for b in 0..<n {
            for t in 0..<length {
                for j in 0..<d {
                    previousHidden[(b * length + t) * d + j] =
                        t > 0 ? saved.hidden.scalars[(b * length + t - 1) * d + j] : saved.h0.scalars[b * d + j]
                }
            }
        }
        let bias = dA.cs231nSumOverRows()
        let grads = LayerWeights(
            inputHidden: dA.transposedMatmul(saved.input.reshaped([n * length, -1])),
            hiddenHidden: dA.transposedMatmul(Tensor(shape: [n * length, d], scalars: previousHidden)),
            inputBias: bias, hiddenBias: bias)
        let dx = dA.matmul(weights.inputHidden).reshaped([n, length, -1])
        return (dx, grads, Tensor(shape: [n, d], scalars: dhNext), Tensor(shape: [n, d], scalars: dcNext))
    }
}
