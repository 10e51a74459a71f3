public import Tensors

extension AAEEncoder {
    /// Backward of `Encoder.forward` from the gradient of `z`, reusing the forward's `trace` (PyTorch autograd's
    /// order of operations):
    ///
    ///     dmu = dz;  dlogvar = ((dz * noise) * std) / 2           (z = noise * exp(logvar / 2) + mu)
    ///     dh = mu.backward(dmu) + logvar.backward(dlogvar)        then ReLU, Dropout, Linear(h0, h1), ReLU, Dropout,
    ///                                                             Linear(C*H*W, h0), each with its own backward
    ///
    /// Returns the gradient of every parameter, keyed `prefix + state_dict key` (`encoder.model.0.weight`, ...). The
    /// image needs no gradient. Shapes: `img: (N, *)`, `noise`, `dz: (N, latent)`.
    public func backward(
        _ trace: Trace, img: Tensor<S>, noise: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?), zGradient dz: Tensor<S>,
        prefix: String = "encoder."
    ) throws(LayerError) -> [String: Tensor<S>] {
        try LayerError.check("AAEEncoder.backward", "z gradient", dz, is: trace.z.shape)
        let model = trace.model
        let dstd = dz * noise
        let dlogvar = (dstd * trace.std) / 2
        let gMu = try mu.backward(dz, x: model[5])
        let gLogvar = try logvar.backward(dlogvar, x: model[5])
        let d5 = gMu.dx + gLogvar.dx
        let d3 = try dropout.backward(ActivationBackward.relu(d5, output: model[5]), mask: masks.1)
        let g3 = try linear3.backward(d3, x: model[2])
        let d0 = try dropout.backward(ActivationBackward.relu(g3.dx, output: model[2]), mask: masks.0)
        let g0 = try linear0.backward(d0, x: img.reshaped([img.shape[0], -1]))
        return [
            prefix + "model.0.weight": g0.dWeight, prefix + "model.0.bias": g0.dBias!,
            prefix + "model.3.weight": g3.dWeight, prefix + "model.3.bias": g3.dBias!,
            prefix + "mu.weight": gMu.dWeight, prefix + "mu.bias": gMu.dBias!,
            prefix + "logvar.weight": gLogvar.dWeight, prefix + "logvar.bias": gLogvar.dBias!,
        ]
    }
}
