import Layers
public import Tensors

/// `aae.decoder`: the notebook's `Decoder.forward` (see `AAEDecoder`), BatchNorm1d in train or eval mode.
///
/// Config: `img_shape`, `latent_dim`, `decoder_hidden`, `p`, `train`, `bn_mode`, `bn_momentum`, `bn_eps`.
/// Inputs: `z (N, latent)`, `dropout.decoder.model.1`, `dropout.decoder.model.5` when `train`. Params: `decoder.*`.
/// Outputs: `decoder.model.0` ... `decoder.model.7`, `decoder.img (N, C, H, W)`, and when `bn_mode` is `train`
/// `decoder.model.4.running_mean`, `.running_var`, `.num_batches_tracked` after the update.
public enum AAEDecoderReplay: Replay {
    public static let name = "aae.decoder"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = AAECaseConfiguration(input.configuration)
        var parameters = input.parameters
        var decoder = try config.decoder(&parameters)
        try parameters.finish()
        let batchNormTraining = try config.batchNormTraining()
        let out = try decoder(
            try input.tensor("z"), masks: try config.masks(input, call: "decoder", (1, 5)),
            batchNormTraining: batchNormTraining)
        var trace = ReplayTrace<S>()
        trace.recordDecoder(out, decoder, batchNormTraining: batchNormTraining)
        return trace
    }
}
