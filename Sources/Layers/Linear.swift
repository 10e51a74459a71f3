public import Tensors

/// A fully connected layer, `y = x W^T + b` (`nn.Linear(in_features, out_features, bias)`).
///
/// Shapes: `x: (*, in) -> (*, out)`; parameters `weight: (out, in)`, `bias: (out)`, as in PyTorch's state_dict.
public struct Linear<S: TensorScalar>: Sendable {
    public let weight: Tensor<S>
    public let bias: Tensor<S>?

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor<S>, bias: Tensor<S>?) {
        precondition(weight.rank == 2, "Linear weight must be (out, in), got \(weight.shape)")
        precondition(bias == nil || bias!.shape == [weight.shape[0]], "Linear bias \(bias!.shape) for weight \(weight.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// Loads `prefix + "weight"` (and `prefix + "bias"` when `bias`) from `parameters`.
    public init(
        inFeatures: Int, outFeatures: Int, bias: Bool = true,
        parameters: inout ParameterStore<S>, prefix: String
    ) throws(ParameterError) {
        let weight = try parameters.take(prefix + "weight", shape: [outFeatures, inFeatures])
        let b = bias ? try parameters.take(prefix + "bias", shape: [outFeatures]) : nil
        self.init(weight: weight, bias: b)
    }

    /// The number of parameters (`weight` and `bias`).
    public var parameterCount: Int { weight.count + (bias?.count ?? 0) }

    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ x: Tensor<S>) throws(LayerError) -> Tensor<S> {
        guard x.rank >= 1, x.shape.last == inFeatures else {
            throw LayerError("Linear", "input has shape \(x.shape), expected (*, \(inFeatures))")
        }
        var y = x.reshaped([-1, inFeatures]).matmul(weight, transposeOther: true)
        if let bias { y.addRow(bias) }  // in place: the product's buffer is not shared
        return y.reshaped(Array(x.shape.dropLast()) + [outFeatures])
    }
}
