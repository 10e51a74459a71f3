public import Tensors

/// One ViT encoder block (`encoder_block(emb_dim, num_heads, forward_dim, dropout_ratio)`), either residual form:
///
///     seed003:  x = norm_1(x); _x, attention = mha(x);  x = _x + x     (adds the normalized input)
///     prenorm:  _x = norm_1(x); _x, attention = mha(_x); x = _x + x    (adds the input)
///     then:     x = mlp(norm_2(x)) + x
///
/// Shapes: `x: (N, T, E) -> out: (N, T, E)`, `attention: (N, H, T, T)`.
/// Parameters: `norm_1.*`, `mha.*` (see `ViTMultiHeadAttention`), `norm_2.*`, `mlp.*` (see `ViTMLPBlock`).
/// Matches `encoder_block` of the boostcamp ViT assignment (NOTEBOOKS.md section 3; seed 003's forward).
public struct ViTEncoderBlock<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Output: Sendable {
        public var norm1: Tensor<S>
        public var attention: Tensor<S>
        public var mha: Tensor<S>
        public var residual1: Tensor<S>
        public var norm2: Tensor<S>
        public var mlp: ViTMLPBlock<S>.Output
        public var out: Tensor<S>
    }

    public let norm1: LayerNorm<S>
    public let mha: ViTMultiHeadAttention<S>
    public let norm2: LayerNorm<S>
    public let mlp: ViTMLPBlock<S>
    public let residual: ViTResidual

    /// Loads `{prefix}norm_1.*`, `{prefix}mha.*`, `{prefix}norm_2.*`, `{prefix}mlp.*`.
    public init(
        embeddingSize: Int, headCount: Int, forwardFactor: Int, dropoutRatio: S, residual: ViTResidual,
        parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        norm1 = try LayerNorm(size: embeddingSize, parameters: &parameters, prefix: prefix + "norm_1.")
        mha = try ViTMultiHeadAttention(
            embeddingSize: embeddingSize, headCount: headCount, dropoutRatio: dropoutRatio,
            parameters: &parameters, prefix: prefix + "mha.")
        norm2 = try LayerNorm(size: embeddingSize, parameters: &parameters, prefix: prefix + "norm_2.")
        mlp = try ViTMLPBlock(
            embeddingSize: embeddingSize, forwardFactor: forwardFactor, dropoutRatio: dropoutRatio,
            parameters: &parameters, prefix: prefix + "mlp.")
        self.residual = residual
    }

    public var parameterCount: Int {
        norm1.parameterCount + mha.parameterCount + norm2.parameterCount + mlp.parameterCount
    }

    /// `attentionMask`, `mlpMask`: the recorded dropout masks (nil in eval mode).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        _ x: Tensor<S>, attentionMask: Tensor<Bool>? = nil, mlpMask: Tensor<Bool>? = nil
    ) throws(LayerError) -> Output {
        let normalized = try norm1(x)
        let (attended, attention) = try mha(normalized, dropoutMask: attentionMask)
        let residual1: Tensor<S>
        switch residual {
        case .seed003: residual1 = attended + normalized  // seed 003 overwrote x with norm_1(x)
        case .prenorm: residual1 = attended + x
        }
        let norm2Out = try norm2(residual1)
        let mlpOut = try mlp(norm2Out, dropoutMask: mlpMask)
        return Output(
            norm1: normalized, attention: attention, mha: attended, residual1: residual1, norm2: norm2Out,
            mlp: mlpOut, out: mlpOut.out + residual1)
    }
}
