public import Tensors

/// The ViT feed-forward block (`mlp_block(emb_dim, forward_dim, dropout_ratio)`):
///
///     hidden = linear_1(x);  activated = gelu(hidden)  (exact, erf);  out = linear_2(dropout(activated))
///
/// No dropout after `linear_2`.
/// Shapes: `x: (N, T, E) -> hidden, activated: (N, T, F*E) -> out: (N, T, E)`; optional dropout `mask: (N, T, F*E)`.
/// Parameters: `linear_1.weight: (F*E, E)`, `linear_1.bias: (F*E)`, `linear_2.weight: (E, F*E)`, `linear_2.bias: (E)`.
/// Matches `mlp_block` of the boostcamp ViT assignment (NOTEBOOKS.md section 3).
public struct ViTMLPBlock<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Output: Sendable {
        public var hidden: Tensor<S>
        public var activated: Tensor<S>
        public var out: Tensor<S>
    }

    public let linear1: Linear<S>
    public let linear2: Linear<S>
    public let dropout: Dropout<S>

    /// Loads `{prefix}linear_1.*` and `{prefix}linear_2.*`.
    public init(
        embeddingSize: Int, forwardFactor: Int, dropoutRatio: S, parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        let hidden = forwardFactor * embeddingSize
        linear1 = try Linear(inFeatures: embeddingSize, outFeatures: hidden, parameters: &parameters, prefix: prefix + "linear_1.")
        linear2 = try Linear(inFeatures: hidden, outFeatures: embeddingSize, parameters: &parameters, prefix: prefix + "linear_2.")
        dropout = Dropout(p: dropoutRatio)
    }

    public var parameterCount: Int { linear1.parameterCount + linear2.parameterCount }

    /// `mask` is the recorded dropout mask (nil in eval mode).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, dropoutMask mask: Tensor<Bool>? = nil) throws(LayerError) -> Output {
        let hidden = try linear1(x)
        let activated = hidden.gelu()
        let out = try linear2(try dropout(activated, mask: mask))
        return Output(hidden: hidden, activated: activated, out: out)
    }
}
