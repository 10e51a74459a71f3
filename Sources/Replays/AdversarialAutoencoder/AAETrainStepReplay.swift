import Layers
public import Tensors

/// `aae.train_step`: the forward values of one iteration of the notebook's training loop (PyTorch-GAN `aae.py`):
///
///     encoded = encoder(img);  decoded = decoder(encoded)
///     g_loss = w_adv * BCE(D(encoded), 1) + w_pix * L1(decoded, img)
///     d_loss = w_d * (BCE(D(z_prior), 1) + BCE(D(encoded.detach()), 0))
///
/// The optimizer steps change no value computed here: `optimizer_G` does not touch D, and the D step reuses the
/// encoding computed before it. Each of the three discriminator calls draws its own dropout masks.
///
/// Config: every key of `aae.encoder`, `aae.decoder` and `aae.discriminator`, plus `g_adversarial_weight` (0.001),
/// `g_pixel_weight` (0.999), `d_weight` (0.5). Inputs: `img`, `noise`, `z_prior (N, latent)`; when `train` the masks
/// `dropout.encoder.model.{1,4}`, `dropout.decoder.model.{1,5}`, `dropout.{d_encoded,d_prior,d_detached}.model.{1,4}`.
/// Params: `encoder.*`, `decoder.*`, `discriminator.*`. Outputs: the encoder's and decoder's (as their replays),
/// `d_encoded.model.0...7`, `g_adversarial_loss`, `g_pixel_loss`, `g_loss`, `d_prior.model.0...7`, `d_real_loss`,
/// `d_detached.model.0...7`, `d_fake_loss`, `d_loss`.
public enum AAETrainStepReplay: Replay {
    public static let name = "aae.train_step"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = AAECaseConfiguration(input.configuration)
        var parameters = input.parameters
        let encoder = try config.encoder(&parameters)
        var decoder = try config.decoder(&parameters)
        let discriminator = try config.discriminator(&parameters)
        try parameters.finish()
        let weights = (
            adversarial: S(try input.configuration.double("g_adversarial_weight")),
            pixel: S(try input.configuration.double("g_pixel_weight")),
            discriminator: S(try input.configuration.double("d_weight")))
        let batchNormTraining = try config.batchNormTraining()
        let adversarialLoss = BinaryCrossEntropyLoss()
        let pixelwiseLoss = L1Loss()

        let img = try input.tensor("img")
        let n = img.shape.first ?? 0
        let valid = Tensor<S>(shape: [n, 1], repeating: 1)
        let fake = Tensor<S>(shape: [n, 1], repeating: 0)
        var trace = ReplayTrace<S>()

        // Generator step: encoder once, decoder, discriminator on the encoding.
        let encoded = try encoder(img, noise: try input.tensor("noise"), masks: try config.masks(input, call: "encoder", (1, 4)))
        trace.recordEncoder(encoded)
        let decoded = try decoder(
            encoded.z, masks: try config.masks(input, call: "decoder", (1, 5)), batchNormTraining: batchNormTraining)
        trace.recordDecoder(decoded, decoder, batchNormTraining: batchNormTraining)
        let validityEncoded = try discriminator(encoded.z, masks: try config.masks(input, call: "d_encoded", (1, 4)))
        trace.recordSequential("d_encoded", validityEncoded)
        let gAdversarial = try adversarialLoss(validityEncoded[validityEncoded.count - 1], valid)
        let gPixel = try pixelwiseLoss(decoded.img, img)
        trace.record("g_adversarial_loss", gAdversarial)
        trace.record("g_pixel_loss", gPixel)
        trace.record("g_loss", gAdversarial * weights.adversarial + gPixel * weights.pixel)

        // Discriminator step: the prior sample, then the detached encoding, each with fresh masks.
        let validityPrior = try discriminator(try input.tensor("z_prior"), masks: try config.masks(input, call: "d_prior", (1, 4)))
        trace.recordSequential("d_prior", validityPrior)
        let realLoss = try adversarialLoss(validityPrior[validityPrior.count - 1], valid)
        trace.record("d_real_loss", realLoss)
        let validityDetached = try discriminator(encoded.z, masks: try config.masks(input, call: "d_detached", (1, 4)))
        trace.recordSequential("d_detached", validityDetached)
        let fakeLoss = try adversarialLoss(validityDetached[validityDetached.count - 1], fake)
        trace.record("d_fake_loss", fakeLoss)
        trace.record("d_loss", (realLoss + fakeLoss) * weights.discriminator)
        return trace
    }
}
