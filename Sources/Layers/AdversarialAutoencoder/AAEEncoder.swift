public import Tensors

/// The AAE notebook's `Encoder` with its `reparameterization`:
///
///     h = img.view(N, -1)                                        (N, C*H*W)
///     model = Linear(C*H*W, h0), Dropout(p), ReLU, Linear(h0, h1), Dropout(p), ReLU      -> (N, h1)
///     mu = Linear(h1, latent)(h),  logvar = Linear(h1, latent)(h)                         (N, latent)
///     std = exp(logvar / 2);  z = noise * std + mu                                        (N, latent)
///
/// `noise` is the notebook's `sampled_z = Tensor(np.random.normal(0, 1, (N, latent)))`, recorded by the reference.
/// Dropout replays recorded masks (train mode) or is the identity (eval mode, masks `nil`).
/// Parameters (`prefix` = `encoder.`): `model.0.*` `(h0, C*H*W)`, `model.3.*` `(h1, h0)`, `mu.*`, `logvar.*` `(latent, h1)`.
/// Matches `Encoder.forward` of boostcamp's AAE notebook (PyTorch-GAN `aae.py`; NOTEBOOKS.md §4).
public struct AAEEncoder<S: TensorScalar>: Sendable {
    /// Every intermediate, in dataflow order: `model[i]` is the output of `model.i` (0...5).
    public struct Trace: Sendable {
        public var model: [Tensor<S>]
        public var mu: Tensor<S>
        public var logvar: Tensor<S>
        public var std: Tensor<S>
        public var z: Tensor<S>
    }

    public let linear0: Linear<S>
    public let linear3: Linear<S>
    public let mu: Linear<S>
    public let logvar: Linear<S>
    public let dropout: Dropout<S>

    public var latentDim: Int { mu.outFeatures }

    public init(
        inputFeatures: Int, hidden: (Int, Int), latentDim: Int, p: S,
        parameters: inout ParameterStore<S>, prefix: String = "encoder."
    ) throws(ParameterError) {
        linear0 = try Linear(inFeatures: inputFeatures, outFeatures: hidden.0, parameters: &parameters, prefix: prefix + "model.0.")
        linear3 = try Linear(inFeatures: hidden.0, outFeatures: hidden.1, parameters: &parameters, prefix: prefix + "model.3.")
        mu = try Linear(inFeatures: hidden.1, outFeatures: latentDim, parameters: &parameters, prefix: prefix + "mu.")
        logvar = try Linear(inFeatures: hidden.1, outFeatures: latentDim, parameters: &parameters, prefix: prefix + "logvar.")
        dropout = Dropout(p: p)
    }

    public var parameterCount: Int { [linear0, linear3, mu, logvar].map(\.parameterCount).reduce(0, +) }

    /// `img: (N, *)` with `C*H*W` elements per sample, `noise: (N, latent)`, `masks`: the two dropout masks or `nil`.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        _ img: Tensor<S>, noise: Tensor<S>, masks: (Tensor<Bool>?, Tensor<Bool>?)
    ) throws(LayerError) -> Trace {
        guard img.rank >= 1, img.count == img.shape[0] * linear0.inFeatures else {
            throw LayerError("AAEEncoder", "img has shape \(img.shape), expected (N, ...) with \(linear0.inFeatures) elements per sample")
        }
        let n = img.shape[0]
        try LayerError.check("AAEEncoder", "noise", noise, is: [n, latentDim])
        var model: [Tensor<S>] = []
        model.append(try linear0(img.reshaped([n, -1])))
        model.append(try dropout(model[0], mask: masks.0))
        model.append(model[1].relu())
        model.append(try linear3(model[2]))
        model.append(try dropout(model[3], mask: masks.1))
        model.append(model[4].relu())
        let mu = try self.mu(model[5])
        let logvar = try self.logvar(model[5])
        let std = logvar.map { S.exp($0 / 2) }
        let z = noise * std + mu
        return Trace(model: model, mu: mu, logvar: logvar, std: std, z: z)
    }
}
