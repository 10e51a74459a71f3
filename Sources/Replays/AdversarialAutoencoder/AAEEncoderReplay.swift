import Layers
public import Tensors

/// `aae.encoder`: the notebook's `Encoder.forward` with `reparameterization` (see `AAEEncoder`).
///
/// Config: `img_shape`, `latent_dim`, `encoder_hidden`, `p`, `train`. Inputs: `img (N, C, H, W)`, `noise (N, latent)`,
/// `dropout.encoder.model.1`, `dropout.encoder.model.4` when `train`. Params: `encoder.*`.
/// Outputs: `encoder.model.0` ... `encoder.model.5`, `encoder.mu`, `encoder.logvar`, `encoder.std`, `encoder.z`.
public enum AAEEncoderReplay: Replay {
    public static let name = "aae.encoder"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = AAECaseConfiguration(input.configuration)
        var parameters = input.parameters
        let encoder = try config.encoder(&parameters)
        try parameters.finish()
        let out = try encoder(
            try input.tensor("img"), noise: try input.tensor("noise"),
            masks: try config.masks(input, call: "encoder", (1, 4)))
        var trace = ReplayTrace<S>()
        trace.recordEncoder(out)
        return trace
    }
}
