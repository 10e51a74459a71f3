public import Tensors

extension AAEDecoder {
    /// Backward of a `Decoder.forward` that ran with BatchNorm1d in train mode, from the gradient of the image,
    /// reusing the forward's `trace`: Tanh, Linear(h1, C*H*W), ReLU, Dropout, BatchNorm1d (batch statistics, see
    /// `BatchNorm1d.trainingBackward`), Linear(h0, h1), ReLU, Dropout, Linear(latent, h0), each with its backward.
    ///
    /// Returns the gradient of `z` and of every parameter, keyed `prefix + state_dict key` (`decoder.model.4.weight`,
    /// ...; the running statistics have none). Shapes: `z: (N, latent)`, `imageGradient: (N, C, H, W)`.
    public func backward(
        _ trace: Trace, z: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?), imageGradient: Tensor<S>,
        prefix: String = "decoder."
    ) throws(LayerError) -> (z: Tensor<S>, parameters: [String: Tensor<S>]) {
        try LayerError.check("AAEDecoder.backward", "image gradient", imageGradient, is: trace.img.shape)
        let model = trace.model
        let d7 = ActivationBackward.tanh(imageGradient.reshaped(model[8].shape), output: model[8])
        let g7 = try linear7.backward(d7, x: model[6])
        let d4 = try dropout.backward(ActivationBackward.relu(g7.dx, output: model[6]), mask: masks.1)
        let gNorm = try batchNorm.trainingBackward(input: model[3], outputGradient: d4)
        let g3 = try linear3.backward(gNorm.dx, x: model[2])
        let d0 = try dropout.backward(ActivationBackward.relu(g3.dx, output: model[2]), mask: masks.0)
        let g0 = try linear0.backward(d0, x: z)
        return (g0.dx, [
            prefix + "model.0.weight": g0.dWeight, prefix + "model.0.bias": g0.dBias!,
            prefix + "model.3.weight": g3.dWeight, prefix + "model.3.bias": g3.dBias!,
            prefix + "model.4.weight": gNorm.dWeight, prefix + "model.4.bias": gNorm.dBias,
            prefix + "model.7.weight": g7.dWeight, prefix + "model.7.bias": g7.dBias!,
        ])
    }
}
