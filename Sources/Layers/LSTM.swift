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
        try run(x, h0: h0, c0: c0, keepingTape: false).output
    }

    /// The forward pass shared by `callAsFunction` and `forwardForTraining` (which keeps the tape), so that both
    /// compute every value the same way, bit for bit.
    ///
    /// Rows of the batch never meet: the cores take blocks of rows (`rowBlocks`) and each runs the whole recurrence,
    /// every layer, for its block, with no hand-off between steps; a batch too small to split (under 64 rows) runs in
    /// the calling thread, its products split over the cores instead.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    @usableFromInline
    func run(
        _ x: Tensor<S>, h0: Tensor<S>?, c0: Tensor<S>?, keepingTape: Bool
    ) throws(LayerError) -> (output: Output, tape: [Tape.Layer]) {
        let (n, length, h0, c0) = try checkedInput(x, h0: h0, c0: c0)
        let (d, layerCount) = (hiddenSize, numLayers)
        let (sequence, state) = (n * length * d, n * d)
        // With the tape, every layer's outputs h_t, (N, L, D) each; without it, the last layer's only: a block keeps
        // the layers below in one scratch buffer of its own, which stays in the heap from call to call (the whole
        // batch's, 59 MB at batch 1024, was mapped and faulted in afresh at every call). A layer above the first
        // overwrites its input there as it goes: step t reads input step t (or all steps, at the start) before it
        // writes output step t.
        var hidden = Self.uninitialized((keepingTape ? layerCount : 1) * sequence)
        var gates = Self.uninitialized(keepingTape ? layerCount * n * length * 4 * d : 0)
        var cells = Self.uninitialized(keepingTape ? layerCount * sequence : 0)
        var hn = h0.scalars  // (K, N, D): layer k's h_0, then its h_L
        var cn = c0.scalars
        let blocks = Self.rowBlocks(n, d: d)
        x.scalars.withUnsafeBufferPointer { x in
        hidden.withUnsafeMutableBufferPointer { hidden in
        gates.withUnsafeMutableBufferPointer { gates in
        cells.withUnsafeMutableBufferPointer { cells in
        hn.withUnsafeMutableBufferPointer { hn in
        cn.withUnsafeMutableBufferPointer { cn in
            let (x, hidden, hn, cn) = (x.baseAddress!, hidden.baseAddress!, hn.baseAddress!, cn.baseAddress!)
            let (gates, cells) = keepingTape ? (gates.baseAddress, cells.baseAddress) : (nil, nil)
            ParallelChunks.run(chunks: blocks.count) { chunk in
                let rows = blocks[chunk]
                let blockSequence = rows.count * length * d
                let scratch = UnsafeMutablePointer<S>.allocate(capacity: keepingTape || layerCount == 1 ? 0 : blockSequence)
                defer { scratch.deallocate() }
                var input = UnsafePointer(x + rows.lowerBound * length * inputSize)
                for (k, weights) in layers.enumerated() {
                    let output = keepingTape ? hidden + k * sequence + rows.lowerBound * length * d
                        : k == layerCount - 1 ? hidden + rows.lowerBound * length * d
                        : scratch
                    Self.runLayer(
                        weights, input: input, inputSize: k == 0 ? inputSize : d, rows: rows.count, length: length,
                        d: d, h: hn + k * state + rows.lowerBound * d, c: cn + k * state + rows.lowerBound * d,
                        output: output,
                        gates: gates.map { $0 + (k * n + rows.lowerBound) * length * 4 * d },
                        cells: cells.map { $0 + k * sequence + rows.lowerBound * length * d },
                        split: blocks.count == 1)
                    input = UnsafePointer(output)
                }
            }
        }}}}}}
        let stateShape = [layerCount, n, d]
        let layerOf = { (array: [S], k: Int, size: Int, shape: [Int]) in
            Tensor(shape: shape, scalars: Array(array[(k * size)..<((k + 1) * size)]))
        }
        var tape: [Tape.Layer] = []
        if keepingTape {
            for k in 0..<layerCount {
                tape.append(Tape.Layer(
                    input: k == 0 ? x : tape[k - 1].hidden,
                    gates: layerOf(gates, k, n * length * 4 * d, [n, length, 4 * d]),
                    cells: layerOf(cells, k, sequence, [n, length, d]),
                    hidden: layerOf(hidden, k, sequence, [n, length, d]),
                    h0: h0.select(axis: 0, k), c0: c0.select(axis: 0, k)))
            }
        }
        let output = keepingTape ? tape[layerCount - 1].hidden : Tensor(shape: [n, length, d], scalars: hidden)
        return (Output(output: output, hn: Tensor(shape: stateShape, scalars: hn),
                       cn: Tensor(shape: stateShape, scalars: cn)), tape)
    }

    /// One layer over a block of `rows` batch rows, all steps: `input: (rows, L, in)`, `h, c: (rows, D)` (h_0 and c_0
    /// in, h_L and c_L out), `output: (rows, L, D)`; with the tape, `gates: (rows, L, 4D)` activated and
    /// `cells: (rows, L, D)`. With `split` (the whole batch is one block), the products and the cells spread over the
    /// cores; otherwise the block runs in its own thread. Pre-specialized: callers across modules are generic over `S`.
    ///
    /// The input projection of every step is one GEMM, `(rows*L, 4D) = input W_ih^T`, when it has at most 2^23
    /// elements (32 MiB of Float; else one per step into a reused `(rows, 4D)` buffer: it was 117 MB at batch 1024),
    /// and each step's `h_{t-1} W_hh^T` accumulates into its rows `t, L+t, ...` (beta 1, leading dimension `L*4D`),
    /// reading `h_{t-1}` in place from the outputs. `TensorScalar.lstmCell` then adds the biases and applies the
    /// gates, row by row, while the step's rows are in cache: `((x W_ih^T + h W_hh^T) + b_ih) + b_hh`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    static func runLayer(
        _ weights: LayerWeights, input: UnsafePointer<S>, inputSize: Int, rows n: Int, length: Int, d: Int,
        h: UnsafeMutablePointer<S>, c: UnsafeMutablePointer<S>, output: UnsafeMutablePointer<S>,
        gates tapeGates: UnsafeMutablePointer<S>?, cells tapeCells: UnsafeMutablePointer<S>?, split: Bool
    ) {
        let width = 4 * d
        let allSteps = n * length * width <= 1 << 23
        let projected = UnsafeMutablePointer<S>.allocate(capacity: (allSteps ? n * length : n) * width)
        defer { projected.deallocate() }
        weights.inputHidden.scalars.withUnsafeBufferPointer { wih in
        weights.hiddenHidden.scalars.withUnsafeBufferPointer { whh in
        weights.inputBias.scalars.withUnsafeBufferPointer { bih in
        weights.hiddenBias.scalars.withUnsafeBufferPointer { bhh in
            let (wih, whh, bih, bhh) = (wih.baseAddress!, whh.baseAddress!, bih.baseAddress!, bhh.baseAddress!)
            if allSteps {
                S.gemm(
                    transposeA: false, transposeB: true, m: n * length, n: width, k: inputSize, alpha: 1, a: input,
                    lda: inputSize, b: wih, ldb: inputSize, beta: 0, c: projected, ldc: width, split: split)
            }
            for t in 0..<length {
                let (pre, stride) = allSteps ? (projected + t * width, length * width) : (projected, width)
                if !allSteps {
                    S.gemm(
                        transposeA: false, transposeB: true, m: n, n: width, k: inputSize, alpha: 1,
                        a: input + t * inputSize, lda: length * inputSize, b: wih, ldb: inputSize, beta: 0,
                        c: projected, ldc: width, split: split)
                }
                // pre += h_{t-1} W_hh^T, h_{t-1} read where step t - 1 wrote it
                let (previous, previousStride) =
                    t == 0 ? (UnsafePointer(h), d) : (UnsafePointer(output + (t - 1) * d), length * d)
                S.gemm(
                    transposeA: false, transposeB: true, m: n, n: width, k: d, alpha: 1, a: previous,
                    lda: previousStride, b: whh, ldb: d, beta: 1, c: pre, ldc: stride, split: split)
                let cellRows = { (rows: Range<Int>) in
                    for b in rows {
                        let (row, at) = (pre + b * stride, b * length + t)
                        S.lstmCell(
                            row, inputBias: bih, hiddenBias: bhh, cell: c + b * d, hidden: output + at * d, width: d)
                        tapeGates?.advanced(by: at * width).update(from: row, count: width)
                        tapeCells?.advanced(by: at * d).update(from: c + b * d, count: d)
                    }
                }
                if split { ParallelChunks.run(count: n, grain: 1, cellRows) } else { cellRows(0..<n) }
            }
            for b in 0..<n { (h + b * d).update(from: output + (b * length + length - 1) * d, count: d) }
        }}}}
    }

    /// The blocks of batch rows the cores run the recurrence on, claimed one at a time: at least one per core,
    /// 32-aligned, small enough that a step's pre-activations, `rows x 4D`, stay within 2^17 elements (512 KiB of
    /// Float, half of a core's L2 here: at batch 1024 one block per core ran 141 ms, blocks of 128 rows 131 ms);
    /// one block under 64 rows.
    static func rowBlocks(_ n: Int, d: Int) -> [Range<Int>] {
        let (alignment, aligned) = (32, (n + 31) / 32)
        let rowsFitting = max(1, (1 << 17) / max(4 * d, 1) / alignment)  // in units of 32 rows
        let blocksFitting = (aligned + rowsFitting - 1) / rowsFitting
        let parts = n < 2 * alignment ? 1 : min(aligned, max(ParallelChunks.cores, blocksFitting))
        return (0..<parts).map { part in
            min(n, part * aligned / parts * alignment)..<min(n, (part + 1) * aligned / parts * alignment)
        }
    }

    /// An array of `count` scalars whose every element the caller writes before reading (no zero-fill).
    private static func uninitialized(_ count: Int) -> [S] {
        [S](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
