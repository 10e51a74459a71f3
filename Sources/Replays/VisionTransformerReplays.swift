import Layers
public import Tensors

/// Replays of the boostcamp Vision Transformer assignment (NOTEBOOKS.md section 3; docs/replays/vision_transformer.md).
public enum VisionTransformerReplays {
    public static let all: [any Replay.Type] = [VisionTransformerModelReplay.self, VisionTransformerTrainReplay.self]
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

/// `vit.train`: `steps` consecutive iterations of a training loop over the ViT assignment's `vision_transformer`:
///
///     optimizer.zero_grad(); y, attentions = model(x_k); loss = CrossEntropyLoss()(y, targets_k)
///     loss.backward(); optimizer.step()                  # optim.Adam(model.parameters(), lr, betas, eps)
///
/// in train mode (every dropout replays its recorded mask). Gradients come from the backward passes beside each
/// forward (`VisionTransformer+Backward.swift` and the files it calls): erf-GELU, LayerNorm, the softmax attention,
/// the patch rearrangement, the class token and the position table.
public enum VisionTransformerTrainReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "vit.train",
        summary: "Consecutive steps of a training loop over the ViT in train mode: forward, `nn.CrossEntropyLoss`, backward, `optim.Adam` step.",
        config: [.int("in_channels"), .int("img_size", "a multiple of patch_size"), .int("patch_size", "> 0"), .int("emb_dim"), .int("n_enc_layers"), .int("num_heads", "> 0, divides emb_dim"), .int("forward_dim", "the MLP hidden width is forward_dim * emb_dim"), .number("dropout_ratio"), .int("n_classes"), .string("residual", ["seed003", "prenorm"]), .string("pooling", ["cls", "mean"]), .bool("train", "must be true"), .int("steps"), .number("adam_lr"), .number("adam_beta1"), .number("adam_beta2"), .number("adam_eps")],
        inputs: ["per step k: x<k> (N, C, H, W)", "targets<k> (N) int64", "dropout.step<k>.block{i}.attention (N, heads, T+1, T+1) per block when dropout_ratio > 0", "dropout.step<k>.block{i}.mlp (N, T+1, forward_dim*emb_dim) per block when dropout_ratio > 0"],
        parameters: ["ie.*", "em.{i}.*", "normalization.*", "classification_head.*"],
        outputs: ["per step k: logits<k> (N, n_classes)", "loss<k> ()", "grad<k>.<key> in state_dict order", "grad<k>.x (N, C, H, W)", "param<k>.<key> after optimizer.step(), in state_dict order"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.config
        guard try config.bool("train") else {
            throw ReplayError("vit.train replays train mode: config 'train' must be true", kind: "config")
        }
        let residual = ViTResidual(rawValue: try config.string("residual"))!   // declared: one of its raw values
        let pooling = ViTPooling(rawValue: try config.string("pooling"))!
        let steps = try config.int("steps")
        let sizes = (
            inChannels: try config.int("in_channels"), imageSize: try config.int("img_size"),
            patchSize: try config.int("patch_size"), embeddingSize: try config.int("emb_dim"),
            encoderLayers: try config.int("n_enc_layers"), headCount: try config.int("num_heads"),
            forwardFactor: try config.int("forward_dim"), dropoutRatio: S(try config.double("dropout_ratio")),
            classCount: try config.int("n_classes"))
        // The layers' preconditions, checked here so that a case can never trap.
        guard sizes.imageSize % sizes.patchSize == 0 else {
            throw ReplayError("config 'patch_size' \(sizes.patchSize) must divide 'img_size' \(sizes.imageSize)", kind: "config")
        }
        guard sizes.embeddingSize % sizes.headCount == 0 else {
            throw ReplayError("config 'num_heads' \(sizes.headCount) must divide 'emb_dim' \(sizes.embeddingSize)", kind: "config")
        }
        func model(_ store: inout ParameterStore<S>) throws -> VisionTransformer<S> {
            try VisionTransformer<S>(
                inChannels: sizes.inChannels, imageSize: sizes.imageSize, patchSize: sizes.patchSize,
                embeddingSize: sizes.embeddingSize, encoderLayers: sizes.encoderLayers, headCount: sizes.headCount,
                forwardFactor: sizes.forwardFactor, dropoutRatio: sizes.dropoutRatio, classCount: sizes.classCount,
                residual: residual, pooling: pooling, parameters: &store)
        }
        var optimizer = Adam<S>(
            learningRate: try config.double("adam_lr"),
            betas: (try config.double("adam_beta1"), try config.double("adam_beta2")), eps: try config.double("adam_eps"))
        let dropoutOn = try config.double("dropout_ratio") > 0
        var transformer = try model(&input.parameters)
        var trace = ReplayTrace<S>()
        for k in 0..<steps {
            let x = try input.tensor("x\(k)")
            guard x.rank == 4, x.shape[1] == sizes.inChannels, x.shape[2] == sizes.imageSize, x.shape[3] == sizes.imageSize else {
                throw ReplayError(
                    "input 'x\(k)' has shape \(x.shape), the config says (N, \(sizes.inChannels), \(sizes.imageSize), \(sizes.imageSize))",
                    kind: "input", tensor: "inputs/x\(k)")
            }
            let targets = try input.indices("targets\(k)")
            // The one dropout rule (docs/FIXTURES.md): masks exactly when p > 0 (train mode is required above).
            var masks: [VisionTransformer<S>.DropoutMasks]? = dropoutOn ? [] : nil
            for i in transformer.blocks.indices {
                let attention = try input.dropoutMask("dropout.step\(k).block\(i).attention", on: dropoutOn)
                let mlp = try input.dropoutMask("dropout.step\(k).block\(i).mlp", on: dropoutOn)
                if let attention, let mlp { masks?.append(.init(attention: attention, mlp: mlp)) }
            }
            let forward = try transformer(x, masks: masks)
            trace.record("logits\(k)", forward.logits)
            trace.record("loss\(k)", try CrossEntropyLoss()(forward.logits, targets))
            let gradients = try transformer.backward(
                logitsGradient: try CrossEntropyLoss().gradient(forward.logits, targets), forward: forward, masks: masks)
            let current = parameters(transformer)
            for (key, _) in current { trace.record("grad\(k).\(key)", gradients.parameters[key]!) }
            trace.record("grad\(k).x", gradients.dx)
            var values = Dictionary(uniqueKeysWithValues: current.map { ($0.key, $0.value) })
            try optimizer.step(&values, gradients: gradients.parameters)
            var updated = ParameterStore(values)
            transformer = try model(&updated)
            try updated.finish()
            for (key, value) in parameters(transformer) { trace.record("param\(k).\(key)", value) }
        }
        return trace
    }

    /// Every parameter of the model in `state_dict` order (a module's own parameters before its children's).
    static func parameters<S>(_ m: VisionTransformer<S>) -> [(key: String, value: Tensor<S>)] {
        func linear(_ prefix: String, _ l: Linear<S>) -> [(key: String, value: Tensor<S>)] {
            [(prefix + "weight", l.weight), (prefix + "bias", l.bias!)]
        }
        func norm(_ prefix: String, _ l: LayerNorm<S>) -> [(key: String, value: Tensor<S>)] {
            [(prefix + "weight", l.weight), (prefix + "bias", l.bias)]
        }
        var list: [(key: String, value: Tensor<S>)] = [
            ("ie.cls_token", m.embedding.classToken), ("ie.positions", m.embedding.positions),
        ]
        list += linear("ie.linear.", m.embedding.linear)
        for (i, block) in m.blocks.enumerated() {
            let p = "em.\(i)."
            list += norm(p + "norm_1.", block.norm1)
            list += linear(p + "mha.value.", block.mha.value) + linear(p + "mha.key.", block.mha.key)
            list += linear(p + "mha.query.", block.mha.query) + linear(p + "mha.linear.", block.mha.linear)
            list += norm(p + "norm_2.", block.norm2)
            list += linear(p + "mlp.linear_1.", block.mlp.linear1) + linear(p + "mlp.linear_2.", block.mlp.linear2)
        }
        return list + norm("normalization.", m.normalization) + linear("classification_head.", m.classificationHead)
    }
}
