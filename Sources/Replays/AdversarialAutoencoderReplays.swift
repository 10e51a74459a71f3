import Layers
public import Tensors

/// Replays of boostcamp's AAE assignment, PyTorch-GAN `aae.py` (NOTEBOOKS.md section 4;
/// docs/replays/adversarial_autoencoder.md).
public enum AdversarialAutoencoderReplays {
    public static let all: [any Replay.Type] = [
        AAEEncoderReplay.self, AAEDecoderReplay.self, AAEDiscriminatorReplay.self, AAEBinaryCrossEntropyReplay.self,
        AAEL1LossReplay.self, AAETrainStepReplay.self, AAETrainReplay.self,
    ]
}

/// `aae.encoder`: the notebook's `Encoder.forward` with `reparameterization` (see `AAEEncoder`).
public enum AAEEncoderReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.encoder",
        summary: "The notebook's `Encoder.forward` with `reparameterization` (see `AAEEncoder`).",
        config: [.ints("img_shape", count: 3, "[C, H, W]"), .int("latent_dim"), .ints("encoder_hidden", count: 2), .number("p"), .bool("train")],
        inputs: ["img (N, C, H, W)", "noise (N, latent)", "dropout.encoder.model.1, dropout.encoder.model.4 when train"],
        parameters: ["encoder.*"],
        outputs: ["encoder.model.0 ... encoder.model.5", "encoder.mu", "encoder.logvar", "encoder.std", "encoder.z"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let aae = AAECaseConfiguration(input.config)
        let encoder = try aae.encoder(&input.parameters)
        let out = try encoder(
            try input.tensor("img"), noise: try input.tensor("noise"),
            masks: try aae.masks(input, call: "encoder", (1, 4)))
        var trace = ReplayTrace<S>()
        trace.recordEncoder(out)
        return trace
    }
}

/// `aae.decoder`: the notebook's `Decoder.forward` (see `AAEDecoder`), BatchNorm1d in train or eval mode.
public enum AAEDecoderReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.decoder",
        summary: "The notebook's `Decoder.forward` (see `AAEDecoder`), BatchNorm1d in train or eval mode.",
        config: [.ints("img_shape", count: 3, "[C, H, W]"), .int("latent_dim"), .ints("decoder_hidden", count: 2), .number("p"), .bool("train"), .string("bn_mode", ["train", "eval"]), .numberOrNull("bn_momentum", "null: momentum=None"), .number("bn_eps")],
        inputs: ["z (N, latent)", "dropout.decoder.model.1, dropout.decoder.model.5 when train"],
        parameters: ["decoder.*"],
        outputs: ["decoder.model.0 ... decoder.model.7", "decoder.img (N, C, H, W)", "decoder.model.4.running_mean, .running_var, .num_batches_tracked when bn_mode is train"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let aae = AAECaseConfiguration(input.config)
        var decoder = try aae.decoder(&input.parameters)
        let batchNormTraining = try aae.batchNormTraining()
        let out = try decoder(
            try input.tensor("z"), masks: try aae.masks(input, call: "decoder", (1, 5)),
            batchNormTraining: batchNormTraining)
        var trace = ReplayTrace<S>()
        trace.recordDecoder(out, decoder, batchNormTraining: batchNormTraining)
        return trace
    }
}

/// `aae.discriminator`: the notebook's `Discriminator.forward` (see `AAEDiscriminator`).
public enum AAEDiscriminatorReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.discriminator",
        summary: "The notebook's `Discriminator.forward` (see `AAEDiscriminator`).",
        config: [.int("latent_dim"), .ints("discriminator_hidden", count: 2), .number("p"), .bool("train")],
        inputs: ["z (N, latent)", "dropout.discriminator.model.1, dropout.discriminator.model.4 when train"],
        parameters: ["discriminator.*"],
        outputs: ["discriminator.model.0 ... discriminator.model.7 (the validity, (N, 1))"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let aae = AAECaseConfiguration(input.config)
        let discriminator = try aae.discriminator(&input.parameters)
        let out = try discriminator(try input.tensor("z"), masks: try aae.masks(input, call: "discriminator", (1, 4)))
        var trace = ReplayTrace<S>()
        trace.recordSequential("discriminator", out)
        return trace
    }
}

/// `aae.bce`: `nn.BCELoss()` alone (see `BinaryCrossEntropyLoss`), the notebook's `adversarial_loss`.
public enum AAEBinaryCrossEntropyReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.bce",
        summary: "`nn.BCELoss()` alone (see `BinaryCrossEntropyLoss`), the notebook's `adversarial_loss`.",
        config: [.string("reduction", ["mean"])],
        inputs: ["input", "target (same shape)"],
        parameters: [],
        outputs: ["elementwise (reduction='none')", "loss ()"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        try AAECaseConfiguration(input.config).requireMeanReduction()  // declared: only "mean"
        let (x, t) = (try input.tensor("input"), try input.tensor("target"))
        var trace = ReplayTrace<S>()
        trace.record("elementwise", try BinaryCrossEntropyLoss().elementwise(x, t))
        trace.record("loss", try BinaryCrossEntropyLoss()(x, t))
        return trace
    }
}

/// `aae.l1`: `nn.L1Loss()` alone (see `L1Loss`), the notebook's `pixelwise_loss`.
public enum AAEL1LossReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.l1",
        summary: "`nn.L1Loss()` alone (see `L1Loss`), the notebook's `pixelwise_loss`.",
        config: [.string("reduction", ["mean"])],
        inputs: ["input", "target (same shape)"],
        parameters: [],
        outputs: ["elementwise", "loss ()"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        try AAECaseConfiguration(input.config).requireMeanReduction()  // declared: only "mean"
        let (x, t) = (try input.tensor("input"), try input.tensor("target"))
        var trace = ReplayTrace<S>()
        trace.record("elementwise", try L1Loss().elementwise(x, t))
        trace.record("loss", try L1Loss()(x, t))
        return trace
    }
}

/// `aae.train_step`: the forward values of one iteration of the notebook's training loop (PyTorch-GAN `aae.py`):
///
///     encoded = encoder(img);  decoded = decoder(encoded)
///     g_loss = w_adv * BCE(D(encoded), 1) + w_pix * L1(decoded, img)
///     d_loss = w_d * (BCE(D(z_prior), 1) + BCE(D(encoded.detach()), 0))
///
/// The optimizer steps change no value computed here: `optimizer_G` does not touch D, and the D step reuses the
/// encoding computed before it. Each of the three discriminator calls draws its own dropout masks.
public enum AAETrainStepReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.train_step",
        summary: "The forward values of one iteration of the notebook's training loop (PyTorch-GAN `aae.py`).",
        config: [.ints("img_shape", count: 3, "[C, H, W]"), .int("latent_dim"), .ints("encoder_hidden", count: 2), .ints("decoder_hidden", count: 2), .ints("discriminator_hidden", count: 2), .number("p"), .bool("train"), .string("bn_mode", ["train", "eval"]), .numberOrNull("bn_momentum", "null: momentum=None"), .number("bn_eps"), .number("g_adversarial_weight", "0.001 in aae.py"), .number("g_pixel_weight", "0.999 in aae.py"), .number("d_weight", "0.5 in aae.py")],
        inputs: ["img", "noise", "z_prior (N, latent)", "dropout.encoder.model.{1,4}, dropout.decoder.model.{1,5}, dropout.{d_encoded,d_prior,d_detached}.model.{1,4} when train"],
        parameters: ["encoder.*", "decoder.*", "discriminator.*"],
        outputs: ["the encoder's and decoder's (as their replays)", "d_encoded.model.0...7", "g_adversarial_loss", "g_pixel_loss", "g_loss", "d_prior.model.0...7", "d_real_loss", "d_detached.model.0...7", "d_fake_loss", "d_loss"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let aae = AAECaseConfiguration(input.config)
        let encoder = try aae.encoder(&input.parameters)
        var decoder = try aae.decoder(&input.parameters)
        let discriminator = try aae.discriminator(&input.parameters)
        let weights = (
            adversarial: S(try input.config.double("g_adversarial_weight")),
            pixel: S(try input.config.double("g_pixel_weight")),
            discriminator: S(try input.config.double("d_weight")))
        let batchNormTraining = try aae.batchNormTraining()
        let adversarialLoss = BinaryCrossEntropyLoss()
        let pixelwiseLoss = L1Loss()

        let img = try input.tensor("img")
        let n = img.shape.first ?? 0
        let valid = Tensor<S>(shape: [n, 1], repeating: 1)
        let fake = Tensor<S>(shape: [n, 1], repeating: 0)
        var trace = ReplayTrace<S>()

        // Generator step: encoder once, decoder, discriminator on the encoding.
        let encoded = try encoder(img, noise: try input.tensor("noise"), masks: try aae.masks(input, call: "encoder", (1, 4)))
        trace.recordEncoder(encoded)
        let decoded = try decoder(
            encoded.z, masks: try aae.masks(input, call: "decoder", (1, 5)), batchNormTraining: batchNormTraining)
        trace.recordDecoder(decoded, decoder, batchNormTraining: batchNormTraining)
        let validityEncoded = try discriminator(encoded.z, masks: try aae.masks(input, call: "d_encoded", (1, 4)))
        trace.recordSequential("d_encoded", validityEncoded)
        let gAdversarial = try adversarialLoss(validityEncoded[validityEncoded.count - 1], valid)
        let gPixel = try pixelwiseLoss(decoded.img, img)
        trace.record("g_adversarial_loss", gAdversarial)
        trace.record("g_pixel_loss", gPixel)
        trace.record("g_loss", gAdversarial * weights.adversarial + gPixel * weights.pixel)

        // Discriminator step: the prior sample, then the detached encoding, each with fresh masks.
        let validityPrior = try discriminator(try input.tensor("z_prior"), masks: try aae.masks(input, call: "d_prior", (1, 4)))
        trace.recordSequential("d_prior", validityPrior)
        let realLoss = try adversarialLoss(validityPrior[validityPrior.count - 1], valid)
        trace.record("d_real_loss", realLoss)
        let validityDetached = try discriminator(encoded.z, masks: try aae.masks(input, call: "d_detached", (1, 4)))
        trace.recordSequential("d_detached", validityDetached)
        let fakeLoss = try adversarialLoss(validityDetached[validityDetached.count - 1], fake)
        trace.record("d_fake_loss", fakeLoss)
        trace.record("d_loss", (realLoss + fakeLoss) * weights.discriminator)
        return trace
    }
}


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
/// and updates its running statistics in each decoder forward. Both optimizers are `Adam(lr, betas, eps)`. Every
/// gradient and updated parameter is recorded; a case that does not store some (the notebook-size weight matrices,
/// for the fixture budget) names them in `unchecked_outputs`.
public enum AAETrainReplay: Replay {
    public static let declaration = ReplayDeclaration(
        name: "aae.train",
        summary: "Consecutive iterations of the notebook's training loop (PyTorch-GAN `aae.py`): G step, D step, their backward passes and two Adams.",
        config: [.ints("img_shape", count: 3, "[C, H, W]"), .int("latent_dim"), .ints("encoder_hidden", count: 2), .ints("decoder_hidden", count: 2), .ints("discriminator_hidden", count: 2), .number("p"), .bool("train", "must be true"), .string("bn_mode", ["train"], "the loop's train mode"), .numberOrNull("bn_momentum", "null: momentum=None"), .number("bn_eps"), .number("g_adversarial_weight", "0.001 in aae.py"), .number("g_pixel_weight", "0.999 in aae.py"), .number("d_weight", "0.5 in aae.py"), .int("steps"), .number("adam_lr"), .number("adam_beta1"), .number("adam_beta2"), .number("adam_eps")],
        inputs: ["per step k: img<k> (N, C, H, W)", "noise<k> (N, latent)", "z_prior<k> (N, latent)", "dropout.step<k>.encoder.model.{1,4}, dropout.step<k>.decoder.model.{1,5}, dropout.step<k>.{d_encoded,d_prior,d_detached}.model.{1,4} when p > 0"],
        parameters: ["encoder.*", "decoder.*", "discriminator.*"],
        outputs: ["per step k: encoded<k>", "decoded<k>", "g_adversarial_loss<k>", "g_pixel_loss<k>", "g_loss<k>", "grad<k>.<key> for every encoder then decoder parameter", "param<k>.<key> for the same after optimizer_G.step()", "param<k>.decoder.model.4.{running_mean, running_var, num_batches_tracked}", "d_real_loss<k>", "d_fake_loss<k>", "d_loss<k>", "grad<k>.discriminator.*", "param<k>.discriminator.* (keys in state_dict order)"])

    public static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S> {
        let settings = input.config
        let config = AAECaseConfiguration(settings)
        guard try config.train(), try config.batchNormTraining() else {
            throw ReplayError("aae.train replays the notebook's train mode: config 'train' must be true and 'bn_mode' \"train\"", kind: "config")
        }
        let steps = try settings.int("steps")
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

        var encoder = try config.encoder(&input.parameters)
        var decoder = try config.decoder(&input.parameters)
        var discriminator = try config.discriminator(&input.parameters)

        let adversarialLoss = BinaryCrossEntropyLoss()
        let pixelwiseLoss = L1Loss()
        var trace = ReplayTrace<S>()
        func record(_ prefix: String, _ values: [(key: String, value: Tensor<S>)]) {
            for (key, value) in values { trace.record("\(prefix).\(key)", value) }
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
            let gAdversarial = try adversarialLoss(validityEncoded[validityEncoded.count - 1], valid)
            let gPixel = try pixelwiseLoss(decoded.img, img)
            trace.record("encoded\(k)", encoded.z)
            trace.record("decoded\(k)", decoded.img)
            trace.record("g_adversarial_loss\(k)", gAdversarial)
            trace.record("g_pixel_loss\(k)", gPixel)
            trace.record("g_loss\(k)", gAdversarial * weights.adversarial + gPixel * weights.pixel)

            let throughD = try discriminator.backward(
                validityEncoded, z: encoded.z, masks: encodedMasks,
                validityGradient: try adversarialLoss.backward(
                    validityEncoded[validityEncoded.count - 1], valid, lossGradient: weights.adversarial))
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
            let realLoss = try adversarialLoss(validityPrior[validityPrior.count - 1], valid)
            let validityDetached = try discriminator(encoded.z, masks: detachedMasks)
            let fakeLoss = try adversarialLoss(validityDetached[validityDetached.count - 1], fake)
            trace.record("d_real_loss\(k)", realLoss)
            trace.record("d_fake_loss\(k)", fakeLoss)
            trace.record("d_loss\(k)", (realLoss + fakeLoss) * weights.discriminator)

            let real = try discriminator.backward(
                validityPrior, z: zPrior, masks: priorMasks,
                validityGradient: try adversarialLoss.backward(
                    validityPrior[validityPrior.count - 1], valid, lossGradient: weights.discriminator))
            let detached = try discriminator.backward(
                validityDetached, z: encoded.z, masks: detachedMasks,
                validityGradient: try adversarialLoss.backward(
                    validityDetached[validityDetached.count - 1], fake, lossGradient: weights.discriminator))
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

/// The recorded configuration of an AAE case (docs/replays/adversarial_autoencoder.md), read key by key as a replay
/// needs it, and the notebook's modules built from it.
struct AAECaseConfiguration {
    let config: ReplayConfig

    init(_ config: ReplayConfig) { self.config = config }

    /// `[C, H, W]`.
    func imageShape() throws -> [Int] { try config.ints("img_shape") }
    func latentDim() throws -> Int { try config.int("latent_dim") }
    func p<S: TensorScalar>(_: S.Type) throws -> S { S(try config.double("p")) }
    /// Dropout on (masks recorded) or off (eval mode).
    func train() throws -> Bool { try config.bool("train") }

    /// `bn_mode`: `"train"` (batch statistics, running stats updated) or `"eval"` (running statistics).
    func batchNormTraining() throws -> Bool { try config.string("bn_mode") == "train" }

    /// `bn_momentum`: a number, or `null` for PyTorch's `momentum=None` (cumulative average).
    func batchNormMomentum() throws -> Double? { try config.optionalDouble("bn_momentum") }

    /// Losses replay `reduction='mean'` only.
    func requireMeanReduction() throws { _ = try config.string("reduction") }

    func hidden(_ key: String) throws -> (Int, Int) {
        let sizes = try config.ints(key)   // declared `count: 2`
        return (sizes[0], sizes[1])
    }

    func encoder<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEEncoder<S> {
        try AAEEncoder(
            inputFeatures: try imageShape().reduce(1, *), hidden: try hidden("encoder_hidden"),
            latentDim: try latentDim(), p: try p(S.self), parameters: &parameters)
    }

    func decoder<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEDecoder<S> {
        try AAEDecoder(
            latentDim: try latentDim(), hidden: try hidden("decoder_hidden"), imageShape: try imageShape(),
            p: try p(S.self), bnEps: try config.double("bn_eps"), bnMomentum: try batchNormMomentum(),
            parameters: &parameters)
    }

    func discriminator<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEDiscriminator<S> {
        try AAEDiscriminator(
            latentDim: try latentDim(), hidden: try hidden("discriminator_hidden"), p: try p(S.self),
            parameters: &parameters)
    }

    /// The masks `dropout.<call>.model.<i>` for the two dropout layers at `indices` when `train` with `p > 0`,
    /// else `nil`s (and then none may be recorded).
    func masks<S: TensorScalar>(
        _ input: ReplayInput<S>, call: String, _ indices: (Int, Int)
    ) throws -> (Tensor<Bool>?, Tensor<Bool>?) {
        let on = try train() && config.double("p") > 0
        return (try input.dropoutMask("dropout.\(call).model.\(indices.0)", on: on),
                try input.dropoutMask("dropout.\(call).model.\(indices.1)", on: on))
    }
}

extension ReplayTrace {
    /// Records `model[i]` as `<call>.model.<i>`, skipping the indices in `except`.
    mutating func recordSequential(_ call: String, _ model: [Tensor<S>], except: Set<Int> = []) {
        for (i, tensor) in model.enumerated() where !except.contains(i) { record("\(call).model.\(i)", tensor) }
    }

    mutating func recordEncoder(_ out: AAEEncoder<S>.Trace) {
        recordSequential("encoder", out.model)
        record("encoder.mu", out.mu)
        record("encoder.logvar", out.logvar)
        record("encoder.std", out.std)
        record("encoder.z", out.z)
    }

    /// The decoder's intermediates (its Tanh output once, viewed, as `decoder.img`), then the BatchNorm1d buffers
    /// after their update when it ran in train mode.
    mutating func recordDecoder(_ out: AAEDecoder<S>.Trace, _ decoder: AAEDecoder<S>, batchNormTraining: Bool) {
        recordSequential("decoder", out.model, except: [out.model.count - 1])
        record("decoder.img", out.img)
        if batchNormTraining {
            record("decoder.model.4.running_mean", decoder.batchNorm.runningMean)
            record("decoder.model.4.running_var", decoder.batchNorm.runningVar)
            // Recorded in the case dtype: a trace holds floating tensors (exact below 2^24).
            record("decoder.model.4.num_batches_tracked", Tensor(scalar: S(decoder.batchNorm.numBatchesTracked)))
        }
    }
}
