import Layers
public import Tensors

/// `aae.l1`: `nn.L1Loss()` alone (see `L1Loss`), the notebook's `pixelwise_loss`.
///
/// Config: `reduction` (`"mean"`). Inputs: `input`, `target` (same shape). Outputs: `elementwise`, `loss` (scalar).
public enum AAEL1LossReplay: Replay {
    public static let name = "aae.l1"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        try AAECaseConfiguration(input.configuration).requireMeanReduction()
        let (x, t) = (try input.tensor("input"), try input.tensor("target"))
        var trace = ReplayTrace<S>()
        trace.record("elementwise", try L1Loss().elementwise(x, t))
        trace.record("loss", try L1Loss()(x, t))
        return trace
    }
}
