public import Tensors

extension ViTMLPBlock {
    /// Backward of `callAsFunction(x, dropoutMask:)` from the gradient of its output, reusing the forward's
    /// `hidden` and `activated`:
    ///
    ///     d(dropped) = linear_2.backward(dout);  dactivated = dropout.backward(...)
    ///     dhidden = gelu'(hidden) * dactivated;  dx = linear_1.backward(dhidden)
    ///
    /// Returns `dx` and the gradient of every parameter keyed `prefix + linear_1.weight` etc.
    /// Shapes: `x`, `dout: (N, T, E)`; `forward.hidden`, `mask: (N, T, F*E)`.
    public func backward(
        _ dout: Tensor<S>, x: Tensor<S>, forward: Output, dropoutMask mask: Tensor<Bool>? = nil, prefix: String = ""
    ) throws(LayerError) -> (dx: Tensor<S>, parameters: [String: Tensor<S>]) {
        let g2 = try linear2.backward(dout, x: try dropout(forward.activated, mask: mask))
        let dHidden = ActivationBackward.gelu(try dropout.backward(g2.dx, mask: mask), input: forward.hidden)
        let g1 = try linear1.backward(dHidden, x: x)
        return (g1.dx, [
            prefix + "linear_1.weight": g1.dWeight, prefix + "linear_1.bias": g1.dBias!,
            prefix + "linear_2.weight": g2.dWeight, prefix + "linear_2.bias": g2.dBias!,
        ])
    }
}
