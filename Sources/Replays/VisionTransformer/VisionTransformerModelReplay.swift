import Layers
public import Tensors

/// `vit.model`: the ViT assignment's `vision_transformer.forward`, every stage recorded.
///
/// Config: `in_channels`, `img_size`, `patch_size`, `emb_dim`, `n_enc_layers`, `num_heads`, `forward_dim`,
/// `dropout_ratio`, `n_classes`, `residual` (`seed003` or `prenorm`), `pooling` (`cls` or `mean`), `train`.
/// Inputs: `x (N, C, H, W)`; when `train`, `dropout.block{i}.attention (N, heads, T+1, T+1)` and
/// `dropout.block{i}.mlp (N, T+1, forward_dim*emb_dim)` for every block.
/// Params: `ie.*`, `em.{i}.*`, `normalization.*`, `classification_head.*`.
/// Outputs, in order: `patches`, `embedded`, `tokens`; per block `block{i}.norm_1`, `.attention`, `.mha`,
/// `.residual_1`, `.norm_2`, `.mlp.linear_1`, `.mlp.gelu`, `.mlp.out`, `.out`; then `pooled`, `normalized`, `logits`.
public enum VisionTransformerModelReplay: Replay {
    public static let name = "vit.model"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        let residualName = try config.string("residual")
        guard let residual = ViTResidual(rawValue: residualName) else {
            throw ReplayError("config 'residual' is '\(residualName)', expected one of \(ViTResidual.allCases.map(\.rawValue))")
        }
        let poolingName = try config.string("pooling")
        guard let pooling = ViTPooling(rawValue: poolingName) else {
            throw ReplayError("config 'pooling' is '\(poolingName)', expected one of \(ViTPooling.allCases.map(\.rawValue))")
        }
        var parameters = input.parameters
        let model = try VisionTransformer<S>(
            inChannels: try config.int("in_channels"), imageSize: try config.int("img_size"),
            patchSize: try config.int("patch_size"), embeddingSize: try config.int("emb_dim"),
            encoderLayers: try config.int("n_enc_layers"), headCount: try config.int("num_heads"),
            forwardFactor: try config.int("forward_dim"), dropoutRatio: S(try config.double("dropout_ratio")),
            classCount: try config.int("n_classes"), residual: residual, pooling: pooling,
            parameters: &parameters)
        try parameters.finish()

        let dropoutOn = try config.bool("train") && config.double("dropout_ratio") > 0
        var masks: [VisionTransformer<S>.DropoutMasks]? = dropoutOn ? [] : nil
        for i in model.blocks.indices {
            let attention = try input.dropoutMask("dropout.block\(i).attention", on: dropoutOn)
            let mlp = try input.dropoutMask("dropout.block\(i).mlp", on: dropoutOn)
            if let attention, let mlp { masks?.append(.init(attention: attention, mlp: mlp)) }
        }
        let out = try model(try input.tensor("x"), masks: masks)

        var trace = ReplayTrace<S>()
        trace.record("patches", out.embedding.patches)
        trace.record("embedded", out.embedding.embedded)
        trace.record("tokens", out.embedding.tokens)
        for (i, block) in out.blocks.enumerated() {
            let prefix = "block\(i)."
            trace.record(prefix + "norm_1", block.norm1)
            trace.record(prefix + "attention", block.attention)
            trace.record(prefix + "mha", block.mha)
            trace.record(prefix + "residual_1", block.residual1)
            trace.record(prefix + "norm_2", block.norm2)
            trace.record(prefix + "mlp.linear_1", block.mlp.hidden)
            trace.record(prefix + "mlp.gelu", block.mlp.activated)
            trace.record(prefix + "mlp.out", block.mlp.out)
            trace.record(prefix + "out", block.out)
        }
        trace.record("pooled", out.pooled)
        trace.record("normalized", out.normalized)
        trace.record("logits", out.logits)
        return trace
    }
}
