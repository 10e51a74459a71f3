public import Layers
public import Tensors

/// A replay whose model can describe itself in the manner of `torchinfo.summary`: layers, output shapes and
/// parameter counts for the case's own input (the notebook prints one for its LSTM classifier).
public protocol SummarizingReplay: Replay {
    static func summary<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ModelSummary
}
