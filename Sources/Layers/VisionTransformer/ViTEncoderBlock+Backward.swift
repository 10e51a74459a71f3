public import Tensors

extension ViTEncoderBlock {
    /// Backward of `callAsFunction` from the gradient of the block's output, reusing the forward's `Output`:
    ///
    ///     dresidual_1 = dout + norm_2.backward(mlp.backward(dout))
    ///     dnorm_1 = mha.backward(dresidual_1)
    ///     seed003:  dx = norm_1.backward(dnorm_1 + dresidual_1)     (the residual added the normalized input)
    ///     prenorm:  dx = norm_1.backward(dnorm_1) + dresidual_1
    ///
    /// Returns `dx` and the gradient of every parameter keyed `prefix + norm_1.weight` etc.
    /// Shapes: `x`, `dout: (N, T, E)`.
    public func backward(
        _ dout: Tensor<S>, x: Tensor<S>, forward: Output, attentionMask: Tensor<Bool>? = nil,
        mlpMask: Tensor<Bool>? = nil, prefix: String = ""
    ) throws(LayerError) -> (dx: Tensor<S>, parameters: [String: Tensor<S>]) {
        let gMLP = try mlp.backward(dout, x: forward.norm2, forward: forward.mlp, dropoutMask: mlpMask, prefix: prefix + "mlp.")
        let gNorm2 = try norm2.backward(gMLP.dx, x: forward.residual1)
        let dResidual1 = dout + gNorm2.dx
        let gMHA = try mha.backward(dResidual1, x: forward.norm1, dropoutMask: attentionMask, prefix: prefix + "mha.")
        let gNorm1: LayerNorm<S>.Gradients
        let dx: Tensor<S>
        switch residual {
        case .seed003:
            gNorm1 = try norm1.backward(gMHA.dx + dResidual1, x: x)
            dx = gNorm1.dx
        case .prenorm:
            gNorm1 = try norm1.backward(gMHA.dx, x: x)
            dx = gNorm1.dx + dResidual1
        }
        var parameters = gMHA.parameters.merging(gMLP.parameters) { a, _ in a }
        parameters[prefix + "norm_1.weight"] = gNorm1.dWeight
        parameters[prefix + "norm_1.bias"] = gNorm1.dBias
        parameters[prefix + "norm_2.weight"] = gNorm2.dWeight
        parameters[prefix + "norm_2.bias"] = gNorm2.dBias
        return (dx, parameters)
    }
}
