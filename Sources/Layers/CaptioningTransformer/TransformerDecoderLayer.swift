public import Tensors

/// The post-norm decoder layer of cs231n `classifiers/transformer.py` (`TransformerDecoderLayer(input_dim,
/// num_heads, dim_feedforward=2048, dropout=0.1)`):
///
///     x = norm1(tgt + dropout1(self_attn(tgt, tgt, tgt, attn_mask=tgt_mask)))
///     x = norm2(x + dropout2(multihead_attn(x, memory, memory)))
///     x = norm3(x + dropout3(linear2(dropout(relu(linear1(x))))))
///
/// Normalization comes after each residual sum (post-norm). Shapes: `tgt: (N, T, W)`, `memory: (N, M, W)`,
/// `tgt_mask: (T, T)` -> `(N, T, W)`. Parameters: `self_attn.*`, `multihead_attn.*` (see
/// `CaptioningMultiHeadAttention`), `linear1.*: (F, W)`, `linear2.*: (W, F)`, `norm1/2/3.*: (W)`.
public struct TransformerDecoderLayer<S: TensorScalar>: Sendable {
    /// The dropout masks PyTorch drew in train mode (all nil in eval mode), named as the module's attributes.
    public struct DropoutMasks: Sendable {
        public var selfAttention: Tensor<Bool>?      // self_attn.attn_drop: (N, H, T, T)
        public var dropout1: Tensor<Bool>?           // (N, T, W)
        public var multiheadAttention: Tensor<Bool>? // multihead_attn.attn_drop: (N, H, T, M)
        public var dropout2: Tensor<Bool>?           // (N, T, W)
        public var feedForward: Tensor<Bool>?        // self.dropout after the ReLU: (N, T, F)
        public var dropout3: Tensor<Bool>?           // (N, T, W)

        public init(
            selfAttention: Tensor<Bool>? = nil, dropout1: Tensor<Bool>? = nil, multiheadAttention: Tensor<Bool>? = nil,
            dropout2: Tensor<Bool>? = nil, feedForward: Tensor<Bool>? = nil, dropout3: Tensor<Bool>? = nil
        ) {
            self.selfAttention = selfAttention
            self.dropout1 = dropout1
            self.multiheadAttention = multiheadAttention
            self.dropout2 = dropout2
            self.feedForward = feedForward
            self.dropout3 = dropout3
        }
    }

    /// Every intermediate of a forward pass, in dataflow order.
    public struct Trace: Sendable {
        public var selfAttention: CaptioningMultiHeadAttention<S>.Trace
        public var add1: Tensor<S>
        public var norm1: Tensor<S>
        public var multiheadAttention: CaptioningMultiHeadAttention<S>.Trace
        public var add2: Tensor<S>
        public var norm2: Tensor<S>
        public var linear1: Tensor<S>
        public var relu: Tensor<S>
        public var linear2: Tensor<S>
        public var add3: Tensor<S>
        public var norm3: Tensor<S>
        public var output: Tensor<S> { norm3 }
    }

    public let selfAttention: CaptioningMultiHeadAttention<S>
    public let multiheadAttention: CaptioningMultiHeadAttention<S>
    public let linear1: Linear<S>
    public let linear2: Linear<S>
    public let norm1: LayerNorm<S>
    public let norm2: LayerNorm<S>
    public let norm3: LayerNorm<S>
    public let dropout: Dropout<S>

    public init(
        inputDim: Int, numHeads: Int, dimFeedforward: Int, p: Double,
        parameters: inout ParameterStore<S>, prefix: String
    ) throws {
        selfAttention = try CaptioningMultiHeadAttention(
            embedDim: inputDim, numHeads: numHeads, p: p, parameters: &parameters, prefix: prefix + "self_attn.")
        multiheadAttention = try CaptioningMultiHeadAttention(
            embedDim: inputDim, numHeads: numHeads, p: p, parameters: &parameters, prefix: prefix + "multihead_attn.")
        linear1 = try Linear(inFeatures: inputDim, outFeatures: dimFeedforward, parameters: &parameters, prefix: prefix + "linear1.")
        linear2 = try Linear(inFeatures: dimFeedforward, outFeatures: inputDim, parameters: &parameters, prefix: prefix + "linear2.")
        norm1 = try LayerNorm(size: inputDim, parameters: &parameters, prefix: prefix + "norm1.")
        norm2 = try LayerNorm(size: inputDim, parameters: &parameters, prefix: prefix + "norm2.")
        norm3 = try LayerNorm(size: inputDim, parameters: &parameters, prefix: prefix + "norm3.")
        dropout = Dropout(p: p)
    }

    /// `tgtMask: (T, T)`, true = may attend (the model passes `torch.tril(ones(T, T))`).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        _ tgt: Tensor<S>, memory: Tensor<S>, tgtMask: Tensor<Bool>? = nil, masks: DropoutMasks = DropoutMasks()
    ) throws(LayerError) -> Trace {
        let selfAttended = try selfAttention(
            query: tgt, key: tgt, value: tgt, attnMask: tgtMask, dropoutMask: masks.selfAttention)
        let add1 = tgt + (try dropout(selfAttended.output, mask: masks.dropout1))
        let norm1 = try self.norm1(add1)

        let crossAttended = try multiheadAttention(
            query: norm1, key: memory, value: memory, dropoutMask: masks.multiheadAttention)
        let add2 = norm1 + (try dropout(crossAttended.output, mask: masks.dropout2))
        let norm2 = try self.norm2(add2)

        let hidden = try linear1(norm2)
        let relu = hidden.relu()
        let projected = try linear2(try dropout(relu, mask: masks.feedForward))
        let add3 = norm2 + (try dropout(projected, mask: masks.dropout3))
        let norm3 = try self.norm3(add3)
        return Trace(
            selfAttention: selfAttended, add1: add1, norm1: norm1, multiheadAttention: crossAttended,
            add2: add2, norm2: norm2, linear1: hidden, relu: relu, linear2: projected, add3: add3, norm3: norm3)
    }
}
