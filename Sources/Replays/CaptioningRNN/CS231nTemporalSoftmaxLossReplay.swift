import Layers
public import Tensors

/// `cs231n.temporal_softmax_loss`: `temporal_softmax_loss(x, y, mask)`, masked, summed over time, divided by N
/// ("Temporal Softmax loss" cell).
///
/// Config: `vocab_size` (V). Inputs: `x (N, T, V)`, `y (N, T)` int64, `mask (N, T)` bool. No params.
/// Outputs: `probs (N, T, V)`, `loss ()`, `dx (N, T, V)`.
public enum CS231nTemporalSoftmaxLossReplay: Replay {
    public static let name = "cs231n.temporal_softmax_loss"

    public static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S> {
        let vocabSize = try input.configuration.int("vocab_size")
        try input.parameters.finish()
        let x = try input.tensor("x")
        guard x.rank == 3, x.shape[2] == vocabSize else {
            throw ReplayError("x has shape \(x.shape), the config's vocab_size is \(vocabSize)")
        }
        let out = try CS231nTemporalSoftmaxLoss()(x, try input.indices("y"), mask: try input.mask("mask"))
        var trace = ReplayTrace<S>()
        trace.record("probs", out.probs)
        trace.record("loss", out.loss)
        trace.record("dx", out.dx)
        return trace
    }
}
