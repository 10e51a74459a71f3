public import Tensors

extension LSTMClassifier {
    /// One training step's forward and backward pass (before the optimizer): what `loss.backward()` leaves in every
    /// parameter's `.grad` after `logits = R.forward(x); loss = CrossEntropyLoss()(logits, targets)`.
    public struct TrainingStep: Sendable {
        /// `(N, ydim)`, `()`.
        public var logits: Tensor<S>
        public var loss: Tensor<S>
        /// `(state_dict key, dL/dparameter)` in the order backpropagation completes them: `lin.weight`, `lin.bias`,
        /// then the LSTM's layers from the top one down (see `LSTM.Gradients.named`).
        public var gradients: [(String, Tensor<S>)]
        /// `(N, L, xdim)`: `dL/dx`.
        public var dx: Tensor<S>
    }

    /// The loss of `x: (N, L, xdim)` against `targets: (N)` and its gradients:
    ///
    ///     dlogits = (softmax(logits) - onehot(targets)) / N            (N, ydim)
    ///     dlin.weight = dlogits^T last_step,  dlin.bias = sum dlogits,  dlast_step = dlogits lin.weight
    ///     drnn_out = dlast_step at the last step, zeros before it;      then `LSTM.backward` (hn, cn unused)
    public func trainingStep(_ x: Tensor<S>, targets: Tensor<Int64>) throws(LayerError) -> TrainingStep {
        let tape = try rnn.forwardForTraining(x)
        let rnnOut = tape.output.output
        let (n, length, d) = (rnnOut.shape[0], rnnOut.shape[1], rnnOut.shape[2])
        let lastStep = rnnOut.slice(axis: 1, (length - 1)..<length)
        let logits = try lin(lastStep).reshaped([-1, lin.outFeatures])
        let loss = try CrossEntropyLoss()(logits, targets)
        let dlogits = try CrossEntropyLoss().gradient(logits, targets)
        let linear = try lin.backward(dlogits.reshaped([n, 1, lin.outFeatures]), x: lastStep)
        var dOutput = [S](repeating: 0, count: n * length * d)
        for b in 0..<n {
            for j in 0..<d { dOutput[(b * length + length - 1) * d + j] = linear.dx.scalars[b * d + j] }
        }
        let lstm = try rnn.backward(tape, dOutput: Tensor(shape: [n, length, d], scalars: dOutput))
        var gradients: [(String, Tensor<S>)] = [("lin.weight", linear.dWeight)]
        if let dBias = linear.dBias { gradients.append(("lin.bias", dBias)) }
        gradients += lstm.named(prefix: "rnn.")
        return TrainingStep(logits: logits, loss: loss, gradients: gradients, dx: lstm.dx)
    }
}
