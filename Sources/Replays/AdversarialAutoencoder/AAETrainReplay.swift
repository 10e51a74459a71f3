import Fixtures
import Layers
public import Tensors

/// `aae.train`: `steps` consecutive iterations of the notebook's training loop (PyTorch-GAN `aae.py`), gradients
/// and optimizer steps included:
///
///     encoded = encoder(img_k); decoded = decoder(encoded)
///     g_loss = w_adv * BCE(D(encoded), 1) + w_pix * L1(decoded, img_k)
///     g_loss.backward(); optimizer_G.step()          Adam over encoder + decoder parameters only
///     d_loss = w_d * (BCE(D(z_prior_k), 1) + BCE(D(encoded.detach()), 0))
///     d_loss.backward(); optimizer_D.step()          its own Adam over the discriminator
///
/// Every module is in train mode: dropout replays the recorded masks, BatchNorm1d normalizes with batch statistics
/// and updates its running statistics in each decoder forward. Both optimizers are `Adam(lr, betas, eps)`.
///
/// Config: every key of `aae.train_step` (`train` must be true and `bn_mode` `"train"`), plus `steps`, `adam_lr`,
/// `adam_beta1`, `adam_beta2`, `adam_eps`, and `unrecorded` (state_dict keys whose gradients and updated values are
/// computed but not recorded: the notebook-size weight matrices, for the fixture budget).
/// Inputs, for each step `k` in 0..<steps: `img<k> (N, C, H, W)`, `noise<k>`, `z_prior<k> (N, latent)`, and the masks
/// `dropout.step<k>.encoder.model.{1,4}`, `dropout.step<k>.decoder.model.{1,5}`,
/// `dropout.step<k>.{d_encoded,d_prior,d_detached}.model.{1,4}`. Params: the initial `encoder.*`, `decoder.*`,
/// `discriminator.*` (BatchNorm buffers included).
/// Outputs, for each step `k`: `encoded<k>`, `decoded<k>`, `g_adversarial_loss<k>`, `g_pixel_loss<k>`, `g_loss<k>`,
/// `grad<k>.<key>` for every encoder then decoder parameter, `param<k>.<key>` for the same after `optimizer_G.step()`,
/// `param<k>.decoder.model.4.{running_mean, running_var, num_batches_tracked}`, `d_real_loss<k>`, `d_fake_loss<k>`,
/// `d_loss<k>`, `grad<k>.discriminator.*`, `param<k>.discriminator.*` (keys in `state_dict` order, `unrecorded` ones
/// left out).
public enum AAETrainReplay: Replay {
    public static let name = "aae.train"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let settings = input.configuration
        let config = AAECaseConfiguration(settings)
        guard try config.train(), try config.batchNormTraining() else {
            throw ReplayError("aae.train replays the notebook's train mode: config 'train' must be true and 'bn_mode' \"train\"")
        }
        let steps = try settings.int("steps")
        guard steps >= 1 else { throw ReplayError("config 'steps' is \(steps), expected at least 1") }
        let unrecorded = try unrecordedKeys(settings)
        let weights = (
            adversarial: S(try settings.double("g_adversarial_weight")), pixel: S(try settings.double("g_pixel_weight")),
            discriminator: S(try settings.double("d_weight")))
        func adam() throws -> Adam<S> {
            Adam(learningRate: try settings.double("adam_lr"),
                 betas: (try settings.double("adam_beta1"), try settings.double("adam_beta2")),
                 eps: try settings.double("adam_eps"))
        }
        var optimizerG = try adam()
        var optimizerD = try adam()

        var store = input.parameters
        var encoder = try config.encoder(&store)
        var decoder = try config.decoder(&store)
        var discriminator = try config.discriminator(&store)
        try store.finish()
        let allKeys = Set(parameters(encoder, decoder, discriminator).map(\.key))
        if let stray = unrecorded.subtracting(allKeys).sorted().first {
            throw ReplayError("config 'unrecorded' names '\(stray)', which is not a parameter of the model")
        }

        let adversarialLoss = BinaryCrossEntropyLoss()
        let pixelwiseLoss = L1Loss()
        var trace = ReplayTrace<S>()
        func record(_ prefix: String, _ values: [(key: String, value: Tensor<S>)]) {
            for (key, value) in values where !unrecorded.contains(key) { trace.record("\(prefix).\(key)", value) }
        }

        for k in 0..<steps {
            let img = try input.tensor("img\(k)")
            let n = img.shape.first ?? 0
            let valid = Tensor<S>(shape: [n, 1], repeating: 1)
            let fake = Tensor<S>(shape: [n, 1], repeating: 0)
            let noise = try input.tensor("noise\(k)")
            let encoderMasks = try config.masks(input, call: "step\(k).encoder", (1, 4))
            let decoderMasks = try config.masks(input, call: "step\(k).decoder", (1, 5))
            let encodedMasks = try config.masks(input, call: "step\(k).d_encoded", (1, 4))

            // Generator step.
            let encoded = try encoder(img, noise: noise, masks: encoderMasks)
            let decoded = try decoder(encoded.z, masks: decoderMasks, batchNormTraining: true)
            let validityEncoded = try discriminator(encoded.z, masks: encodedMasks)
            let gAdversarial = try adversarialLoss(validityEncoded[7], valid)
            let gPixel = try pixelwiseLoss(decoded.img, img)
            trace.record("encoded\(k)", encoded.z)
            trace.record("decoded\(k)", decoded.img)
            trace.record("g_adversarial_loss\(k)", gAdversarial)
            trace.record("g_pixel_loss\(k)", gPixel)
            trace.record("g_loss\(k)", gAdversarial * weights.adversarial + gPixel * weights.pixel)

            let throughD = try discriminator.backward(
                validityEncoded, z: encoded.z, masks: encodedMasks,
                validityGradient: try adversarialLoss.backward(validityEncoded[7], valid, lossGradient: weights.adversarial))
            let throughDecoder = try decoder.backward(
                decoded, z: encoded.z, masks: decoderMasks,
                imageGradient: try pixelwiseLoss.backward(decoded.img, img, lossGradient: weights.pixel))
            let encoderGradients = try encoder.backward(
                encoded, img: img, noise: noise, masks: encoderMasks, zGradient: throughDecoder.z + throughD.z)
            let generatorGradients = encoderGradients.merging(throughDecoder.parameters) { a, _ in a }
            var generator = Dictionary(uniqueKeysWithValues: parameters(encoder, decoder))
            try optimizerG.step(&generator, gradients: generatorGradients)
            record("grad\(k)", parameters(encoder, decoder).map { ($0.key, generatorGradients[$0.key]!) })
            (encoder, decoder) = try rebuilt(config, generator, runningStatisticsOf: decoder)
            record("param\(k)", parameters(encoder, decoder))
            trace.record("param\(k).decoder.model.4.running_mean", decoder.batchNorm.runningMean)
            trace.record("param\(k).decoder.model.4.running_var", decoder.batchNorm.runningVar)
            trace.record("param\(k).decoder.model.4.num_batches_tracked", Tensor(scalar: S(decoder.batchNorm.numBatchesTracked)))

            // Discriminator step: the prior sample, then the encoding computed before optimizer_G.step(), detached.
            let zPrior = try input.tensor("z_prior\(k)")
            let priorMasks = try config.masks(input, call: "step\(k).d_prior", (1, 4))
            let detachedMasks = try config.masks(input, call: "step\(k).d_detached", (1, 4))
            let validityPrior = try discriminator(zPrior, masks: priorMasks)
            let realLoss = try adversarialLoss(validityPrior[7], valid)
            let validityDetached = try discriminator(encoded.z, masks: detachedMasks)
            let fakeLoss = try adversarialLoss(validityDetached[7], fake)
            trace.record("d_real_loss\(k)", realLoss)
            trace.record("d_fake_loss\(k)", fakeLoss)
            trace.record("d_loss\(k)", (realLoss + fakeLoss) * weights.discriminator)

            let real = try discriminator.backward(
                validityPrior, z: zPrior, masks: priorMasks,
                validityGradient: try adversarialLoss.backward(validityPrior[7], valid, lossGradient: weights.discriminator))
            let detached = try discriminator.backward(
                validityDetached, z: encoded.z, masks: detachedMasks,
                validityGradient: try adversarialLoss.backward(validityDetached[7], fake, lossGradient: weights.discriminator))
            let discriminatorGradients = real.parameters.merging(detached.parameters, uniquingKeysWith: +)
            var critic = Dictionary(uniqueKeysWithValues: parameters(discriminator))
            try optimizerD.step(&critic, gradients: discriminatorGradients)
            record("grad\(k)", parameters(discriminator).map { ($0.key, discriminatorGradients[$0.key]!) })
            var criticStore = ParameterStore(critic)
            discriminator = try config.discriminator(&criticStore)
            try criticStore.finish()
            record("param\(k)", parameters(discriminator))
        }
        return trace
    }

    /// The `unrecorded` config key: an array of state_dict keys (may be empty).
    static func unrecordedKeys(_ settings: Fixtures.CaseConfiguration) throws -> Set<String> {
        guard case .array(let items)? = settings.values["unrecorded"] else {
            throw ReplayError("config 'unrecorded' should be an array of parameter keys (config: \(settings.json))")
        }
        var keys: Set<String> = []
        for item in items {
            guard case .string(let key) = item else { throw ReplayError("config 'unrecorded' holds \(item), expected strings") }
            keys.insert(key)
        }
        return keys
    }

    /// The trainable parameters of the encoder and decoder, in `state_dict` order.
    static func parameters<S>(_ e: AAEEncoder<S>, _ d: AAEDecoder<S>) -> [(key: String, value: Tensor<S>)] {
        [("encoder.model.0.weight", e.linear0.weight), ("encoder.model.0.bias", e.linear0.bias!),
         ("encoder.model.3.weight", e.linear3.weight), ("encoder.model.3.bias", e.linear3.bias!),
         ("encoder.mu.weight", e.mu.weight), ("encoder.mu.bias", e.mu.bias!),
         ("encoder.logvar.weight", e.logvar.weight), ("encoder.logvar.bias", e.logvar.bias!),
         ("decoder.model.0.weight", d.linear0.weight), ("decoder.model.0.bias", d.linear0.bias!),
         ("decoder.model.3.weight", d.linear3.weight), ("decoder.model.3.bias", d.linear3.bias!),
         ("decoder.model.4.weight", d.batchNorm.weight), ("decoder.model.4.bias", d.batchNorm.bias),
         ("decoder.model.7.weight", d.linear7.weight), ("decoder.model.7.bias", d.linear7.bias!)]
    }

    /// The discriminator's parameters, in `state_dict` order.
    static func parameters<S>(_ d: AAEDiscriminator<S>) -> [(key: String, value: Tensor<S>)] {
        [("discriminator.model.0.weight", d.linear0.weight), ("discriminator.model.0.bias", d.linear0.bias!),
         ("discriminator.model.3.weight", d.linear3.weight), ("discriminator.model.3.bias", d.linear3.bias!),
         ("discriminator.model.6.weight", d.linear6.weight), ("discriminator.model.6.bias", d.linear6.bias!)]
    }

    static func parameters<S>(
        _ e: AAEEncoder<S>, _ d: AAEDecoder<S>, _ c: AAEDiscriminator<S>
    ) -> [(key: String, value: Tensor<S>)] {
        parameters(e, d) + parameters(c)
    }

    /// The encoder and decoder rebuilt from updated parameters, the decoder keeping `decoder`'s BatchNorm buffers.
    static func rebuilt<S>(
        _ config: AAECaseConfiguration, _ values: [String: Tensor<S>], runningStatisticsOf decoder: AAEDecoder<S>
    ) throws -> (AAEEncoder<S>, AAEDecoder<S>) {
        var tensors = values
        tensors["decoder.model.4.running_mean"] = decoder.batchNorm.runningMean
        tensors["decoder.model.4.running_var"] = decoder.batchNorm.runningVar
        var store = ParameterStore(
            tensors, integers: ["decoder.model.4.num_batches_tracked": Tensor(scalar: decoder.batchNorm.numBatchesTracked)])
        let encoder = try config.encoder(&store)
        let rebuiltDecoder = try config.decoder(&store)
        try store.finish()
        return (encoder, rebuiltDecoder)
    }
}
