import Fixtures
import Layers
public import Tensors

/// `vit.train`: `steps` consecutive iterations of a training loop over the ViT assignment's `vision_transformer`:
///
///     optimizer.zero_grad(); y, attentions = model(x_k); loss = CrossEntropyLoss()(y, targets_k)
///     loss.backward(); optimizer.step()                  # optim.Adam(model.parameters(), lr, betas, eps)
///
/// in train mode (every dropout replays its recorded mask). Gradients come from the backward passes beside each
/// forward (`VisionTransformer+Backward.swift` and the files it calls): erf-GELU, LayerNorm, the softmax attention,
/// the patch rearrangement, the class token and the position table.
///
/// Config: every key of `vit.model` (`train` must be true), plus `steps`, `adam_lr`, `adam_beta1`, `adam_beta2`,
/// `adam_eps`. Inputs, for each step `k` in 0..<steps: `x<k> (N, C, H, W)`, `targets<k> (N)` (int64), and for every
/// block `i` the masks `dropout.step<k>.block{i}.attention (N, heads, T+1, T+1)` and
/// `dropout.step<k>.block{i}.mlp (N, T+1, forward_dim*emb_dim)` (exactly when `dropout_ratio > 0`).
/// Params: the initial `state_dict` (`ie.*`, `em.{i}.*`, `normalization.*`, `classification_head.*`).
/// Outputs, for each step `k`: `logits<k> (N, n_classes)`, `loss<k> ()`, `grad<k>.<key>` for every parameter in
/// `state_dict` order, `grad<k>.x` (the image's gradient), `param<k>.<key>` after `optimizer.step()`.
public enum VisionTransformerTrainReplay: Replay {
    public static let name = "vit.train"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = input.configuration
        guard try config.bool("train") else { throw ReplayError("vit.train replays train mode: config 'train' must be true") }
        let residualName = try config.string("residual")
        guard let residual = ViTResidual(rawValue: residualName) else {
            throw ReplayError("config 'residual' is '\(residualName)', expected one of \(ViTResidual.allCases.map(\.rawValue))")
        }
        let poolingName = try config.string("pooling")
        guard let pooling = ViTPooling(rawValue: poolingName) else {
            throw ReplayError("config 'pooling' is '\(poolingName)', expected one of \(ViTPooling.allCases.map(\.rawValue))")
        }
        let steps = try config.int("steps")
        guard steps >= 1 else { throw ReplayError("config 'steps' is \(steps), expected at least 1") }
        let sizes = (
            inChannels: try config.int("in_channels"), imageSize: try config.int("img_size"),
            patchSize: try config.int("patch_size"), embeddingSize: try config.int("emb_dim"),
            encoderLayers: try config.int("n_enc_layers"), headCount: try config.int("num_heads"),
            forwardFactor: try config.int("forward_dim"), dropoutRatio: S(try config.double("dropout_ratio")),
            classCount: try config.int("n_classes"))
        func model(_ store: inout ParameterStore<S>) throws -> VisionTransformer<S> {
            let m = try VisionTransformer<S>(
                inChannels: sizes.inChannels, imageSize: sizes.imageSize, patchSize: sizes.patchSize,
                embeddingSize: sizes.embeddingSize, encoderLayers: sizes.encoderLayers, headCount: sizes.headCount,
                forwardFactor: sizes.forwardFactor, dropoutRatio: sizes.dropoutRatio, classCount: sizes.classCount,
                residual: residual, pooling: pooling, parameters: &store)
            try store.finish()
            return m
        }
        var optimizer = Adam<S>(
            learningRate: try config.double("adam_lr"),
            betas: (try config.double("adam_beta1"), try config.double("adam_beta2")), eps: try config.double("adam_eps"))
        let dropoutOn = try config.double("dropout_ratio") > 0
        var store = input.parameters
        var transformer = try model(&store)
        var trace = ReplayTrace<S>()
        for k in 0..<steps {
            let x = try input.tensor("x\(k)")
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
