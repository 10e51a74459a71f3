public import Tensors

/// The ViT image embedding (the notebook's `image_embedding(in_channels, img_size, patch_size, emb_dim)`):
///
///     patches = rearrange(x, 'b c (num_w p1) (num_h p2) -> b (num_w num_h) (p1 p2 c)')
///     embedded = linear(patches)
///     tokens = cat([cls_token repeated over b, embedded], 1) + positions
///
/// A patch vector is packed `(p1, p2, c)` with the channel fastest: element `(p1 * P + p2) * C + c` of patch
/// `w * (W / P) + h` is `x[n, c, w * P + p1, h * P + p2]`.
/// Shapes: `x: (N, C, H, W) -> patches: (N, T, P*P*C) -> embedded: (N, T, E) -> tokens: (N, T + 1, E)`,
/// `T = (H / P) * (W / P)`. Parameters: `linear.weight: (E, P*P*C)`, `linear.bias: (E)`, `cls_token: (1, 1, E)`,
/// `positions: (T + 1, E)` (no batch axis: it broadcasts over the batch).
/// Matches `image_embedding` of the boostcamp ViT assignment (NOTEBOOKS.md section 3).
public struct PatchEmbedding<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in dataflow order.
    public struct Output: Sendable {
        public var patches: Tensor<S>
        public var embedded: Tensor<S>
        public var tokens: Tensor<S>
    }

    public let inChannels: Int
    public let imageSize: Int
    public let patchSize: Int
    public let linear: Linear<S>
    public let classToken: Tensor<S>
    public let positions: Tensor<S>

    /// The number of patches of one image, `(img_size / patch_size)^2`.
    public var patchCount: Int { (imageSize / patchSize) * (imageSize / patchSize) }
    public var embeddingSize: Int { linear.outFeatures }

    /// Loads `{prefix}linear.*`, `{prefix}cls_token` and `{prefix}positions`.
    public init(
        inChannels: Int, imageSize: Int, patchSize: Int, embeddingSize: Int,
        parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        precondition(patchSize > 0 && imageSize % patchSize == 0, "image size \(imageSize) is not a multiple of patch \(patchSize)")
        self.inChannels = inChannels
        self.imageSize = imageSize
        self.patchSize = patchSize
        linear = try Linear(
            inFeatures: inChannels * patchSize * patchSize, outFeatures: embeddingSize,
            parameters: &parameters, prefix: prefix + "linear.")
        classToken = try parameters.take(prefix + "cls_token", shape: [1, 1, embeddingSize])
        // The notebook's own formula for the table's length: img_size^2 // patch^2 + 1.
        positions = try parameters.take(
            prefix + "positions", shape: [imageSize * imageSize / (patchSize * patchSize) + 1, embeddingSize])
    }

    public var parameterCount: Int { linear.parameterCount + classToken.count + positions.count }

    /// `rearrange(x, 'b c (num_w p1) (num_h p2) -> b (num_w num_h) (p1 p2 c)', p1=patch, p2=patch)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public static func patches(_ x: Tensor<S>, patchSize p: Int) -> Tensor<S> {
        precondition(x.rank == 4 && x.shape[2] % p == 0 && x.shape[3] % p == 0, "patches of \(x.shape) with patch \(p)")
        let (n, c, height, width) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        // (N, C, num_w, p1, num_h, p2) -> (N, num_w, num_h, p1, p2, C)
        return x.reshaped([n, c, height / p, p, width / p, p])
            .permuted([0, 2, 4, 3, 5, 1])
            .reshaped([n, (height / p) * (width / p), p * p * c])
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>) throws(LayerError) -> Output {
        try LayerError.check("PatchEmbedding", "input x", x, is: [-1, inChannels, imageSize, imageSize])
        let n = x.shape[0]
        let patches = Self.patches(x, patchSize: patchSize)
        let embedded = try linear(patches)
        let classTokens = classToken.reshaped([1, embeddingSize]).broadcastLeading(n)  // repeat '() n d -> b n d'
        let tokens = Tensor.concatenated([classTokens, embedded], axis: 1).addingTrailing(positions)
        return Output(patches: patches, embedded: embedded, tokens: tokens)
    }
}
