import Fixtures
import Layers
import Tensors

/// The recorded configuration of an AAE case (docs/replays/adversarial_autoencoder.md), read key by key as a replay
/// needs it, and the notebook's modules built from it.
struct AAECaseConfiguration {
    let config: CaseConfiguration

    init(_ config: CaseConfiguration) { self.config = config }

    /// `[C, H, W]`.
    func imageShape() throws -> [Int] { try config.ints("img_shape") }
    func latentDim() throws -> Int { try config.int("latent_dim") }
    func p<S: TensorScalar>(_: S.Type) throws -> S { S(try config.double("p")) }
    /// Dropout on (masks recorded) or off (eval mode).
    func train() throws -> Bool { try config.bool("train") }

    /// `bn_mode`: `"train"` (batch statistics, running stats updated) or `"eval"` (running statistics).
    func batchNormTraining() throws -> Bool {
        switch try config.string("bn_mode") {
        case "train": return true
        case "eval": return false
        case let other: throw ReplayError("config 'bn_mode' should be \"train\" or \"eval\", found \"\(other)\"")
        }
    }

    /// `bn_momentum`: a number, or `null` for PyTorch's `momentum=None` (cumulative average).
    func batchNormMomentum() throws -> Double? {
        guard let value = config.values["bn_momentum"] else { throw ReplayError("config has no 'bn_momentum' (config: \(config.json))") }
        return value == .null ? nil : try config.double("bn_momentum")
    }

    /// Losses replay `reduction='mean'` only.
    func requireMeanReduction() throws {
        let reduction = try config.string("reduction")
        guard reduction == "mean" else { throw ReplayError("config 'reduction' is \"\(reduction)\"; only \"mean\" is replayed") }
    }

    func hidden(_ key: String) throws -> (Int, Int) {
        let sizes = try config.ints(key)
        guard sizes.count == 2 else { throw ReplayError("config '\(key)' should hold 2 hidden sizes, found \(sizes)") }
        return (sizes[0], sizes[1])
    }

    func encoder<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEEncoder<S> {
        try AAEEncoder(
            inputFeatures: try imageShape().reduce(1, *), hidden: try hidden("encoder_hidden"),
            latentDim: try latentDim(), p: try p(S.self), parameters: &parameters)
    }

    func decoder<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEDecoder<S> {
        try AAEDecoder(
            latentDim: try latentDim(), hidden: try hidden("decoder_hidden"), imageShape: try imageShape(),
            p: try p(S.self), bnEps: try config.double("bn_eps"), bnMomentum: try batchNormMomentum(),
            parameters: &parameters)
    }

    func discriminator<S: TensorScalar>(_ parameters: inout ParameterStore<S>) throws -> AAEDiscriminator<S> {
        try AAEDiscriminator(
            latentDim: try latentDim(), hidden: try hidden("discriminator_hidden"), p: try p(S.self),
            parameters: &parameters)
    }

    /// The masks `dropout.<call>.model.<i>` for the two dropout layers at `indices` when `train` with `p > 0`,
    /// else `nil`s (and then none may be recorded).
    func masks<S: TensorScalar>(
        _ input: ReplayInput<S>, call: String, _ indices: (Int, Int)
    ) throws -> (Tensor<Bool>?, Tensor<Bool>?) {
        let on = try train() && config.double("p") > 0
        return (try input.dropoutMask("dropout.\(call).model.\(indices.0)", on: on),
                try input.dropoutMask("dropout.\(call).model.\(indices.1)", on: on))
    }
}

extension ReplayTrace {
    /// Records `model[i]` as `<call>.model.<i>`, skipping the indices in `except`.
    mutating func recordSequential(_ call: String, _ model: [Tensor<S>], except: Set<Int> = []) {
        for (i, tensor) in model.enumerated() where !except.contains(i) { record("\(call).model.\(i)", tensor) }
    }

    mutating func recordEncoder(_ out: AAEEncoder<S>.Trace) {
        recordSequential("encoder", out.model)
        record("encoder.mu", out.mu)
        record("encoder.logvar", out.logvar)
        record("encoder.std", out.std)
        record("encoder.z", out.z)
    }

    /// The decoder's intermediates (its Tanh output once, viewed, as `decoder.img`), then the BatchNorm1d buffers
    /// after their update when it ran in train mode.
    mutating func recordDecoder(_ out: AAEDecoder<S>.Trace, _ decoder: AAEDecoder<S>, batchNormTraining: Bool) {
        recordSequential("decoder", out.model, except: [out.model.count - 1])
        record("decoder.img", out.img)
        if batchNormTraining {
            record("decoder.model.4.running_mean", decoder.batchNorm.runningMean)
            record("decoder.model.4.running_var", decoder.batchNorm.runningVar)
            // Recorded in the case dtype: a trace holds floating tensors (exact below 2^24).
            record("decoder.model.4.num_batches_tracked", Tensor(scalar: S(decoder.batchNorm.numBatchesTracked)))
        }
    }
}
