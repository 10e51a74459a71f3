import Layers
public import Tensors

/// `aae.bce`: `nn.BCELoss()` alone (see `BinaryCrossEntropyLoss`), the notebook's `adversarial_loss`.
///
/// Config: `reduction` (`"mean"`). Inputs: `input`, `target` (same shape). Outputs: `elementwise`
/// (`reduction='none'`), `loss` (scalar).
public enum AAEBinaryCrossEntropyReplay: Replay {
    public static let name = "aae.bce"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        try AAECaseConfiguration(input.configuration).requireMeanReduction()
        let (x, t) = (try input.tensor("input"), try input.tensor("target"))
        var trace = ReplayTrace<S>()
        trace.record("elementwise", try BinaryCrossEntropyLoss().elementwise(x, t))
        trace.record("loss", try BinaryCrossEntropyLoss()(x, t))
        return trace
    }
}
