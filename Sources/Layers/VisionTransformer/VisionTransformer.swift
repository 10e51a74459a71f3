public import Tensors

/// The ViT classifier of the boostcamp assignment (`vision_transformer(in_channels, img_size, patch_size, emb_dim,
/// n_enc_layers, num_heads, forward_dim, dropout_ratio, n_classes)`):
///
///     x = ie(x)                                  image embedding with class token and positions
///     x, attentions = em(x)                      L encoder blocks, one attention map each
///     pooled = x[:, 0, :]  (or x.mean(1))        class-token (seed 003) or mean pooling
///     logits = classification_head(normalization(pooled))
///
/// Shapes: `x: (N, C, H, W) -> tokens: (N, T + 1, E) -> pooled, normalized: (N, E) -> logits: (N, K)`;
/// `attentions[i]: (N, heads, T + 1, T + 1)`.
/// Parameters: `ie.*` (see `PatchEmbedding`), `em.{i}.*` (see `ViTEncoderBlock`), `normalization.*`,
/// `classification_head.*`.
/// Matches `vision_transformer.forward` of the boostcamp ViT assignment (NOTEBOOKS.md section 3, seed 003).
public struct VisionTransformer<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Output: Sendable {
        public var embedding: PatchEmbedding<S>.Output
        public var blocks: [ViTEncoderBlock<S>.Output]
        public var pooled: Tensor<S>
        public var normalized: Tensor<S>
        public var logits: Tensor<S>
    }

    /// One encoder block's recorded dropout masks.
    public struct DropoutMasks: Sendable {
        public var attention: Tensor<Bool>
        public var mlp: Tensor<Bool>

        public init(attention: Tensor<Bool>, mlp: Tensor<Bool>) {
            self.attention = attention
            self.mlp = mlp
        }
    }

    public let embedding: PatchEmbedding<S>
    public let blocks: [ViTEncoderBlock<S>]
    public let normalization: LayerNorm<S>
    public let classificationHead: Linear<S>
    public let pooling: ViTPooling

    public init(
        inChannels: Int, imageSize: Int, patchSize: Int, embeddingSize: Int, encoderLayers: Int, headCount: Int,
        forwardFactor: Int, dropoutRatio: S, classCount: Int, residual: ViTResidual, pooling: ViTPooling,
        parameters: inout ParameterStore<S>
    ) throws(ParameterError) {
        embedding = try PatchEmbedding(
            inChannels: inChannels, imageSize: imageSize, patchSize: patchSize, embeddingSize: embeddingSize,
            parameters: &parameters, prefix: "ie.")
        var blocks: [ViTEncoderBlock<S>] = []
        for i in 0..<encoderLayers {
            blocks.append(try ViTEncoderBlock(
                embeddingSize: embeddingSize, headCount: headCount, forwardFactor: forwardFactor,
                dropoutRatio: dropoutRatio, residual: residual, parameters: &parameters, prefix: "em.\(i)."))
        }
        self.blocks = blocks
        normalization = try LayerNorm(size: embeddingSize, parameters: &parameters, prefix: "normalization.")
        classificationHead = try Linear(
            inFeatures: embeddingSize, outFeatures: classCount, parameters: &parameters, prefix: "classification_head.")
        self.pooling = pooling
    }

    public var parameterCount: Int {
        embedding.parameterCount + blocks.reduce(0) { $0 + $1.parameterCount }
            + normalization.parameterCount + classificationHead.parameterCount
    }

    /// `masks`: one entry per block in train mode (the recorded dropout masks), nil in eval mode.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>, masks: [DropoutMasks]? = nil) throws(LayerError) -> Output {
        if let masks, masks.count != blocks.count {
            throw LayerError("VisionTransformer", "\(masks.count) sets of dropout masks for \(blocks.count) blocks")
        }
        let embedded = try embedding(x)
        var tokens = embedded.tokens
        var outputs: [ViTEncoderBlock<S>.Output] = []
        for (i, block) in blocks.enumerated() {
            let out = try block(tokens, attentionMask: masks?[i].attention, mlpMask: masks?[i].mlp)
            outputs.append(out)
            tokens = out.out
        }
        let pooled: Tensor<S>
        switch pooling {
        case .cls: pooled = tokens.select(axis: 1, 0)
        case .mean: pooled = tokens.mean(axis: 1)
        }
        let normalized = try normalization(pooled)
        return Output(
            embedding: embedded, blocks: outputs, pooled: pooled, normalized: normalized,
            logits: try classificationHead(normalized))
    }
}
