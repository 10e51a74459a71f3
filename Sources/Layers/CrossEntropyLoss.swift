public import Tensors

/// The value of `nn.CrossEntropyLoss()` (mean reduction, no weights, no smoothing):
///
///     loss = -(1/N) * sum_n log_softmax(logits[n])[target[n]]
///
/// Shapes: `logits: (N, C)`, `targets: (N)` class indices in `0..<C` -> a scalar (shape `[]`).
public struct CrossEntropyLoss: Sendable {
    public init() {}

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction<S: TensorScalar>(_ logits: Tensor<S>, _ targets: Tensor<Int64>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CrossEntropyLoss", "logits", logits, is: [-1, -1])
        let (n, classes) = (logits.shape[0], logits.shape[1])
        try LayerError.check("CrossEntropyLoss", "targets", targets, is: [n])
        let logProbabilities = logits.logSoftmaxLastAxis()
        var total: S = 0
        for (row, target) in targets.scalars.enumerated() {
            guard target >= 0, target < classes else {
                throw LayerError("CrossEntropyLoss", "target \(target) at \(row) is outside 0..<\(classes)")
            }
            total -= logProbabilities[row, Int(target)]
        }
        return Tensor(scalar: total / S(n))
    }
}
