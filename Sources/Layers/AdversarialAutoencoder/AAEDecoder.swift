public import Tensors

/// The AAE notebook's `Decoder`:
///
///     model = Linear(latent, h0), Dropout(p), ReLU, Linear(h0, h1), BatchNorm1d(h1), Dropout(p), ReLU,
///             Linear(h1, C*H*W), Tanh                                    z: (N, latent) -> (N, C*H*W)
///     img = model(z).view(N, C, H, W)
///
/// BatchNorm1d runs in train mode (batch statistics; its running statistics are updated, see `BatchNorm1d`) or
/// eval mode (running statistics), independently of dropout (recorded masks, or `nil` for eval mode).
/// Parameters (`prefix` = `decoder.`): `model.0.*`, `model.3.*`, `model.4.{weight,bias,running_mean,running_var,
/// num_batches_tracked}`, `model.7.*`. Matches `Decoder.forward` of boostcamp's AAE notebook (NOTEBOOKS.md §4).
public struct AAEDecoder<S: TensorScalar>: Sendable {
    /// Every intermediate, in dataflow order: `model[i]` is the output of `model.i` (0...8), `img` its last one viewed.
    public struct Trace: Sendable {
        public var model: [Tensor<S>]
        public var img: Tensor<S>
    }

    public let linear0: Linear<S>
    public let linear3: Linear<S>
    public private(set) var batchNorm: BatchNorm1d<S>
    public let linear7: Linear<S>
    public let dropout: Dropout<S>
    /// `(C, H, W)` of the output images.
    public let imageShape: [Int]

    public init(
        latentDim: Int, hidden: (Int, Int), imageShape: [Int], p: S, bnEps: Double, bnMomentum: Double?,
        parameters: inout ParameterStore<S>, prefix: String = "decoder."
    ) throws(ParameterError) {
        let features = imageShape.reduce(1, *)
        linear0 = try Linear(inFeatures: latentDim, outFeatures: hidden.0, parameters: &parameters, prefix: prefix + "model.0.")
        linear3 = try Linear(inFeatures: hidden.0, outFeatures: hidden.1, parameters: &parameters, prefix: prefix + "model.3.")
        batchNorm = try BatchNorm1d(
            features: hidden.1, eps: bnEps, momentum: bnMomentum, parameters: &parameters, prefix: prefix + "model.4.")
        linear7 = try Linear(inFeatures: hidden.1, outFeatures: features, parameters: &parameters, prefix: prefix + "model.7.")
        dropout = Dropout(p: p)
        self.imageShape = imageShape
    }

    public var parameterCount: Int {
        linear0.parameterCount + linear3.parameterCount + batchNorm.parameterCount + linear7.parameterCount
    }

    /// `z: (N, latent)`; `masks`: the dropout masks of `model.1` and `model.5`, or `nil`. Mutating: BatchNorm1d in
    /// train mode updates its running statistics.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public mutating func callAsFunction(
        _ z: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?), batchNormTraining: Bool
    ) throws(LayerError) -> Trace {
        try LayerError.check("AAEDecoder", "z", z, is: [-1, linear0.inFeatures])
        var model: [Tensor<S>] = []
        model.append(try linear0(z))
        model.append(try dropout(model[0], mask: masks.0))
        model.append(model[1].relu())
        model.append(try linear3(model[2]))
        model.append(try batchNorm(model[3], training: batchNormTraining))
        model.append(try dropout(model[4], mask: masks.1))
        model.append(model[5].relu())
        model.append(try linear7(model[6]))
        model.append(model[7].tanh())
        return Trace(model: model, img: model[8].reshaped([z.shape[0]] + imageShape))
    }
}
