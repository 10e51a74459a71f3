import Layers
public import Tensors

/// `captioning_transformer.positional_encoding`: `PositionalEncoding(embed_dim, dropout=p, max_len)` on `x`.
///
/// Config: `embed_dim`, `max_len`, `p`, `train`, optional `pe_dtype` (the dtype the `pe` table was built in:
/// `"float32"`, the default and the assignment's, or `"float64"`). Inputs: `x (N, S, D)`; `dropout.positional_encoding (N, S, D)` when
/// training. Params: `pe (1, max_len, D)`. Outputs: `pe (1, S, D)` (the table rebuilt from the formula in Swift,
/// compared with the buffer's first S rows), `x_plus_pe`, `output`.
public enum PositionalEncodingReplay: Replay {
    public static let name = "captioning_transformer.positional_encoding"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        var parameters = input.parameters
        let embedDim = try config.int("embed_dim")
        let train = try config.bool("train") && config.double("p") > 0  // dropout on: masks recorded
        let encoding = try PositionalEncoding<S>(
            embedDim: embedDim, maxLen: try config.int("max_len"), p: try config.double("p"),
            parameters: &parameters, prefix: "")
        try parameters.finish()
        let x = try input.tensor("x")
        let (sum, output) = try encoding(x, mask: try input.captioningDropoutMask("positional_encoding", train: train))
        var trace = ReplayTrace<S>()
        let length = x.shape[1]
        let table: Tensor<S> = switch try config.contains("pe_dtype") ? config.string("pe_dtype") : "float32" {
        case "float32": PositionalEncoding<S>.table(embedDim: embedDim, length: length, builtIn: Float.self)
        case "float64": PositionalEncoding<S>.table(embedDim: embedDim, length: length, builtIn: Double.self)
        case let other: throw ReplayError("config 'pe_dtype' should be \"float32\" or \"float64\", found \"\(other)\"")
        }
        trace.record("pe", table)
        trace.record("x_plus_pe", sum)
        trace.record("output", output)
        return trace
    }
}
