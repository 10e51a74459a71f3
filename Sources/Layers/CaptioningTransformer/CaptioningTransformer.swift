public import Tensors

/// The image-captioning transformer of cs231n `classifiers/transformer.py` (`CaptioningTransformer(word_to_idx,
/// input_dim, wordvec_dim, num_heads=4, num_layers=2, max_length=50)`), its `forward(features, captions)`:
///
///     x = positional_encoding(embedding(captions))             (N, T, W)
///     memory = visual_projection(features).unsqueeze(1)        (N, 1, W): the image as a 1-token memory
///     x = layer_i(x, memory, tgt_mask=tril(ones(T, T)))        for each of the num_layers decoder layers
///     scores = output(x)                                       (N, T, V)
///
/// Shapes: `features: (N, D)`, `captions: (N, T)` int64 -> `scores: (N, T, V)`. Parameters: `visual_projection.*`
/// `(W, D)`, `embedding.weight (V, W)`, `positional_encoding.pe (1, max_length, W)`, `transformer.layers.{i}.*`
/// (see `TransformerDecoderLayer`), `output.* (V, W)`.
public struct CaptioningTransformer<S: TensorScalar>: Sendable {
    /// Recorded dropout masks in train mode (nil in eval mode).
    public struct DropoutMasks: Sendable {
        public var positionalEncoding: Tensor<Bool>?
        public var layers: [TransformerDecoderLayer<S>.DropoutMasks]

        public init(positionalEncoding: Tensor<Bool>? = nil, layers: [TransformerDecoderLayer<S>.DropoutMasks]) {
            self.positionalEncoding = positionalEncoding
            self.layers = layers
        }
    }

    /// Every intermediate of a forward pass, in dataflow order.
    public struct Trace: Sendable {
        public var embedding: Tensor<S>
        public var positionalEncoding: Tensor<S>
        public var memory: Tensor<S>
        public var layers: [TransformerDecoderLayer<S>.Trace]
        public var scores: Tensor<S>
    }

    public let visualProjection: Linear<S>
    public let embedding: WordEmbedding<S>
    public let positionalEncoding: PositionalEncoding<S>
    public let layers: [TransformerDecoderLayer<S>]
    public let output: Linear<S>

    public init(
        vocabularySize: Int, inputDim: Int, wordvecDim: Int, numHeads: Int, numLayers: Int, maxLength: Int,
        dimFeedforward: Int, p: Double, parameters: inout ParameterStore<S>
    ) throws {
        visualProjection = try Linear(
            inFeatures: inputDim, outFeatures: wordvecDim, parameters: &parameters, prefix: "visual_projection.")
        embedding = try WordEmbedding(
            vocabularySize: vocabularySize, dimension: wordvecDim, parameters: &parameters, prefix: "embedding.")
        positionalEncoding = try PositionalEncoding(
            embedDim: wordvecDim, maxLen: maxLength, p: p, parameters: &parameters, prefix: "positional_encoding.")
        var layers: [TransformerDecoderLayer<S>] = []
        for i in 0..<numLayers {
            layers.append(try TransformerDecoderLayer(
                inputDim: wordvecDim, numHeads: numHeads, dimFeedforward: dimFeedforward, p: p,
                parameters: &parameters, prefix: "transformer.layers.\(i)."))
        }
        self.layers = layers
        output = try Linear(inFeatures: wordvecDim, outFeatures: vocabularySize, parameters: &parameters, prefix: "output.")
    }

    /// The causal mask `torch.tril(torch.ones(T, T)) != 0`: position i may attend to j <= i.
    public static func causalMask(_ length: Int) -> Tensor<Bool> {
        var mask = Tensor<Bool>(shape: [length, length], repeating: false)
        for i in 0..<length { for j in 0...i { mask[i, j] = true } }
        return mask
    }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        features: Tensor<S>, captions: Tensor<Int64>, masks: DropoutMasks? = nil
    ) throws(LayerError) -> Trace {
        try LayerError.check("CaptioningTransformer", "captions", captions, is: [-1, -1])
        let (n, t) = (captions.shape[0], captions.shape[1])
        try LayerError.check("CaptioningTransformer", "features", features, is: [n, visualProjection.inFeatures])
        let masks = masks ?? DropoutMasks(layers: Array(repeating: .init(), count: layers.count))
        guard masks.layers.count == layers.count else {
            throw LayerError("CaptioningTransformer", "\(masks.layers.count) layers of dropout masks for \(layers.count) layers")
        }
        let embedded = try embedding(captions)
        let encoded = try positionalEncoding(embedded, mask: masks.positionalEncoding).output
        let memory = try visualProjection(features).reshaped([n, 1, visualProjection.outFeatures])
        let causal = Self.causalMask(t)
        var x = encoded
        var traces: [TransformerDecoderLayer<S>.Trace] = []
        for (layer, layerMasks) in zip(layers, masks.layers) {
            let trace = try layer(x, memory: memory, tgtMask: causal, masks: layerMasks)
            traces.append(trace)
            x = trace.output
        }
        return Trace(embedding: embedded, positionalEncoding: encoded, memory: memory, layers: traces, scores: try output(x))
    }
}
