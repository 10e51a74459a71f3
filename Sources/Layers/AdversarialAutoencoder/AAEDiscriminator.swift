public import Tensors

/// The AAE notebook's `Discriminator`:
///
///     model = Linear(latent, h0), Dropout(p), ReLU, Linear(h0, h1), Dropout(p), ReLU, Linear(h1, 1), Sigmoid
///     validity = model(z)                                                  z: (N, latent) -> (N, 1)
///
/// Dropout replays recorded masks (each call of the notebook draws new ones) or is the identity (`nil`).
/// Parameters (`prefix` = `discriminator.`): `model.0.*`, `model.3.*`, `model.6.*`.
/// Matches `Discriminator.forward` of boostcamp's AAE notebook (NOTEBOOKS.md §4).
public struct AAEDiscriminator<S: TensorScalar>: Sendable {
    public let linear0: Linear<S>
    public let linear3: Linear<S>
    public let linear6: Linear<S>
    public let dropout: Dropout<S>

    public init(
        latentDim: Int, hidden: (Int, Int), p: S, parameters: inout ParameterStore<S>, prefix: String = "discriminator."
    ) throws(ParameterError) {
        linear0 = try Linear(inFeatures: latentDim, outFeatures: hidden.0, parameters: &parameters, prefix: prefix + "model.0.")
        linear3 = try Linear(inFeatures: hidden.0, outFeatures: hidden.1, parameters: &parameters, prefix: prefix + "model.3.")
        linear6 = try Linear(inFeatures: hidden.1, outFeatures: 1, parameters: &parameters, prefix: prefix + "model.6.")
        dropout = Dropout(p: p)
    }

    public var parameterCount: Int { linear0.parameterCount + linear3.parameterCount + linear6.parameterCount }

    /// The outputs of `model.0` ... `model.7`, in order; the last is the validity `(N, 1)`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(_ z: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?)) throws(LayerError) -> [Tensor<S>] {
        try LayerError.check("AAEDiscriminator", "z", z, is: [-1, linear0.inFeatures])
        var model: [Tensor<S>] = []
        model.append(try linear0(z))
        model.append(try dropout(model[0], mask: masks.0))
        model.append(model[1].relu())
        model.append(try linear3(model[2]))
        model.append(try dropout(model[3], mask: masks.1))
        model.append(model[4].relu())
        model.append(try linear6(model[5]))
        model.append(model[6].sigmoid())
        return model
    }
}
