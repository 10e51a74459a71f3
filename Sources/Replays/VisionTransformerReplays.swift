import Layers
public import Tensors

/// Replays of the boostcamp Vision Transformer assignment (NOTEBOOKS.md section 3; docs/replays/vision_transformer.md).
public enum VisionTransformerReplays {
    public static let all: [any Replay.Type] = [VisionTransformerModelReplay.self]
}

/// `vit.model`: the ViT assignment's `vision_transformer.forward`, every stage recorded.
public enum VisionTransformerModelReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "vit.model",
        summary: "The ViT assignment's `vision_transformer.forward`, every stage recorded.",
        config: [.int("in_channels"), .int("img_size", "a multiple of patch_size"), .int("patch_size", "> 0"), .int("emb_dim"), .int("n_enc_layers"), .int("num_heads", "> 0, divides emb_dim"), .int("forward_dim", "the MLP hidden width is forward_dim * emb_dim"), .number("dropout_ratio"), .int("n_classes"), .string("residual", ["seed003", "prenorm"]), .string("pooling", ["cls", "mean"]), .bool("train")],
        inputs: ["x (N, C, H, W)", "dropout.block{i}.attention (N, heads, T+1, T+1) per block when train and dropout_ratio > 0", "dropout.block{i}.mlp (N, T+1, forward_dim*emb_dim) per block when train and dropout_ratio > 0"],
        parameters: ["ie.*", "em.{i}.*", "normalization.*", "classification_head.*"],
        outputs: ["patches", "embedded", "tokens", "block{i}.norm_1", "block{i}.attention", "block{i}.mha", "block{i}.residual_1", "block{i}.norm_2", "block{i}.mlp.linear_1", "block{i}.mlp.gelu", "block{i}.mlp.out", "block{i}.out (per block)", "pooled", "normalized", "logits"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.config
        let residual = ViTResidual(rawValue: try config.string("residual"))!   // declared: one of its raw values
        let pooling = ViTPooling(rawValue: try config.string("pooling"))!
        let (channels, imageSize, patchSize) = (try config.int("in_channels"), try config.int("img_size"), try config.int("patch_size"))
        let (embedding, heads) = (try config.int("emb_dim"), try config.int("num_heads"))
        // The layers' preconditions, checked here so that a case can never trap.
        guard patchSize > 0, imageSize > 0, imageSize % patchSize == 0 else {
            throw ReplayError("config 'patch_size' \(patchSize) must be > 0 and divide 'img_size' \(imageSize)", kind: "config")
        }
        guard heads > 0, embedding > 0, embedding % heads == 0 else {
            throw ReplayError("config 'num_heads' \(heads) must be > 0 and divide 'emb_dim' \(embedding)", kind: "config")
        }
        let x = try input.tensor("x")
        guard x.rank == 4, x.shape[1] == channels, x.shape[2] == imageSize, x.shape[3] == imageSize else {
            throw ReplayError(
                "input 'x' has shape \(x.shape), the config says (N, \(channels), \(imageSize), \(imageSize))",
                kind: "input", tensor: "inputs/x")
        }
        let model = try VisionTransformer<S>(
            inChannels: channels, imageSize: imageSize, patchSize: patchSize, embeddingSize: embedding,
            encoderLayers: try config.int("n_enc_layers"), headCount: heads,
            forwardFactor: try config.int("forward_dim"), dropoutRatio: S(try config.double("dropout_ratio")),
            classCount: try config.int("n_classes"), residual: residual, pooling: pooling,
            parameters: &input.parameters)

        let dropoutOn = try config.bool("train") && config.double("dropout_ratio") > 0
        var masks: [VisionTransformer<S>.DropoutMasks]? = dropoutOn ? [] : nil
        for i in model.blocks.indices {
            let attention = try input.dropoutMask("dropout.block\(i).attention", on: dropoutOn)
            let mlp = try input.dropoutMask("dropout.block\(i).mlp", on: dropoutOn)
            if let attention, let mlp { masks?.append(.init(attention: attention, mlp: mlp)) }
        }
        let out = try model(x, masks: masks)

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
