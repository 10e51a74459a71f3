import Layers
public import Tensors

/// Replays of boostcamp's AAE assignment, PyTorch-GAN `aae.py` (NOTEBOOKS.md section 4;
/// docs/replays/adversarial_autoencoder.md).
public enum AdversarialAutoencoderReplays {
    public static let all: [any Replay.Type] = [
        AAEEncoderReplay.self, AAEDecoderReplay.self, AAEDiscriminatorReplay.self, AAEBinaryCrossEntropyReplay.self,
        AAEL1LossReplay.self, AAETrainStepReplay.self,
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
