public import Tensors

extension CrossEntropyLoss {
    /// The gradient of the mean cross-entropy with respect to the logits (autograd's `LogSoftmaxBackward` after
    /// `NllLossBackward` with `dloss = 1`):
    ///
    ///     dlogits[n] = (softmax(logits[n]) - onehot(target[n])) / N
    ///
    /// Shapes: `logits: (N, C)`, `targets: (N)` -> `(N, C)`.
    public func gradient<S: TensorScalar>(_ logits: Tensor<S>, _ targets: Tensor<Int64>) throws(LayerError) -> Tensor<S> {
        try LayerError.check("CrossEntropyLoss", "logits", logits, is: [-1, -1])
        let (n, classes) = (logits.shape[0], logits.shape[1])
        try LayerError.check("CrossEntropyLoss", "targets", targets, is: [n])
        // As autograd: grad_out = -1/N at the target; grad_in = grad_out - exp(log_softmax) * sum(grad_out).
        let share = 1 / S(n)
        var grad = logits.logSoftmaxLastAxis().map { S.exp($0) * share }
        for (row, target) in targets.scalars.enumerated() {
            guard target >= 0, target < classes else {
                throw LayerError("CrossEntropyLoss", "target \(target) at \(row) is outside 0..<\(classes)")
            }
            grad[row, Int(target)] -= share
        }
        return grad
    }
}
