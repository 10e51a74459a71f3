import Layers
public import Tensors

/// `aae.discriminator`: the notebook's `Discriminator.forward` (see `AAEDiscriminator`).
///
/// Config: `latent_dim`, `discriminator_hidden`, `p`, `train`. Inputs: `z (N, latent)`,
/// `dropout.discriminator.model.1`, `dropout.discriminator.model.4` when `train`. Params: `discriminator.*`.
/// Outputs: `discriminator.model.0` ... `discriminator.model.7` (the validity, `(N, 1)`).
public enum AAEDiscriminatorReplay: Replay {
    public static let name = "aae.discriminator"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let config = AAECaseConfiguration(input.configuration)
        var parameters = input.parameters
        let discriminator = try config.discriminator(&parameters)
        try parameters.finish()
        let out = try discriminator(try input.tensor("z"), masks: try config.masks(input, call: "discriminator", (1, 4)))
        var trace = ReplayTrace<S>()
        trace.recordSequential("discriminator", out)
        return trace
    }
}
