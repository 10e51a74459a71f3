public import Tensors

extension AAEDiscriminator {
    /// Backward of `Discriminator.forward` from the gradient of the validity, reusing the forward's outputs `model`
    /// (`model[i]` is the output of `model.i`): Sigmoid, Linear(h1, 1), ReLU, Dropout, Linear(h0, h1), ReLU, Dropout,
    /// Linear(latent, h0), each with its backward.
    ///
    /// Returns the gradient of `z` and of every parameter, keyed `prefix + state_dict key`.
    /// Shapes: `z: (N, latent)`, `validityGradient: (N, 1)`.
    public func backward(
        _ model: [Tensor<S>], z: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?), validityGradient: Tensor<S>,
        prefix: String = "discriminator."
    ) throws(LayerError) -> (z: Tensor<S>, parameters: [String: Tensor<S>]) {
        guard model.count == 8 else { throw LayerError("AAEDiscriminator.backward", "\(model.count) forward outputs, expected 8") }
        try LayerError.check("AAEDiscriminator.backward", "validity gradient", validityGradient, is: model[7].shape)
        let d6 = ActivationBackward.sigmoid(validityGradient, output: model[7])
        let g6 = try linear6.backward(d6, x: model[5])
        let d3 = try dropout.backward(ActivationBackward.relu(g6.dx, output: model[5]), mask: masks.1)
        let g3 = try linear3.backward(d3, x: model[2])
        let d0 = try dropout.backward(ActivationBackward.relu(g3.dx, output: model[2]), mask: masks.0)
        let g0 = try linear0.backward(d0, x: z)
        return (g0.dx, [
            prefix + "model.0.weight": g0.dWeight, prefix + "model.0.bias": g0.dBias!,
            prefix + "model.3.weight": g3.dWeight, prefix + "model.3.bias": g3.dBias!,
            prefix + "model.6.weight": g6.dWeight, prefix + "model.6.bias": g6.dBias!,
        ])
    }
}
