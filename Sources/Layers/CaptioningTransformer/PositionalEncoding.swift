public import Tensors

/// Sinusoidal positional encoding added to a sequence, then dropout (cs231n `PositionalEncoding(embed_dim,
/// dropout=0.1, max_len=5000)` in `transformer_layers.py`):
///
///     col_j = 10000^(-2j / D)              j = 0 ..< D/2    (torch.pow(10000, -torch.arange(0, D, 2) / D))
///     pe[0, i, 2j] = sin(i * col_j),   pe[0, i, 2j+1] = cos(i * col_j)
///     y = dropout(x + pe[:, :S])
///
/// Shapes: `x: (N, S, D) -> (N, S, D)`, `S <= max_len`. The table is the module's `pe` buffer from the
/// `state_dict` (`pe: (1, max_len, D)`), as `load_state_dict` would set it; `table(embedDim:length:)` builds the
/// same table from the formula.
public struct PositionalEncoding<S: TensorScalar>: Sendable {
    /// `(1, max_len, D)`: the loaded buffer.
    public let pe: Tensor<S>
    public let dropout: Dropout<S>

    public var embedDim: Int { pe.shape[2] }
    public var maxLen: Int { pe.shape[1] }

    /// Loads `{prefix}pe: (1, maxLen, embedDim)`.
    public init(
        embedDim: Int, maxLen: Int, p: Double, parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        pe = try parameters.take(prefix + "pe", shape: [1, maxLen, embedDim])
        dropout = Dropout(p: p)
    }

    /// The first `length` rows of the table, from the formula, computed in PyTorch's order in `Built` (the dtype
    /// the assignment's `torch.zeros(1, max_len, embed_dim)` had: float32, torch's default, even when the model
    /// runs in float64), then converted to `S`: `(1, length, embedDim)`.
    ///
    /// In `Built`: the exponent `-(2j) / D` is one division, `col_j` is `pow` (glibc's `powf` for `Float`, the
    /// scalar loop torch runs for fewer than 16 frequencies), the angle `i * col_j` one product, then `sin`/`cos`.
    public static func table<Built: TensorScalar>(embedDim: Int, length: Int, builtIn: Built.Type) -> Tensor<S> {
        var table = Tensor<S>.zeros([1, length, embedDim])
        for j in stride(from: 0, to: embedDim, by: 2) {
            let exponent = -(Built(j) / Built(embedDim))
            let col = Built.pow(10000, exponent)
            for i in 0..<length {
                let angle = Built(i) * col
                table[0, i, j] = S(Built.sin(angle))
                if j + 1 < embedDim { table[0, i, j + 1] = S(Built.cos(angle)) }
            }
        }
        return table
    }

    /// The table built in `S` itself (a `pe` made with `torch.set_default_dtype(S)`).
    public static func table(embedDim: Int, length: Int) -> Tensor<S> {
        table(embedDim: embedDim, length: length, builtIn: S.self)
    }

    /// `x + pe[:, :S]` and the result after dropout (`mask` nil in eval mode).
    public func callAsFunction(_ x: Tensor<S>, mask: Tensor<Bool>?) throws(LayerError) -> (sum: Tensor<S>, output: Tensor<S>) {
        try LayerError.check("PositionalEncoding", "x", x, is: [-1, -1, embedDim])
        let length = x.shape[1]
        guard length <= maxLen else {
            throw LayerError("PositionalEncoding", "sequence of \(length) is longer than max_len \(maxLen)")
        }
        let sum = x.addingTrailing(pe.slice(axis: 1, 0..<length).reshaped([length, embedDim]))
        return (sum, try dropout(sum, mask: mask))
    }
}
