import Foundation
public import Tensors

/// The Adam update rule of cs231n 2022 assignment 3 `cs231n/optim.py` (`adam(w, dw, config)`), which differs from
/// PyTorch's `Adam` in where the bias corrections and epsilon go. With one config (its own `m`, `v`, `t`) per
/// parameter, as `CaptioningSolver` keeps `optim_configs[p]`:
///
///     m = beta1 * m + (1 - beta1) * dw
///     v = beta2 * v + (1 - beta2) * (dw * dw)
///     t += 1                                           (after the moments, before its use)
///     alpha = learning_rate * sqrt(1 - beta2^t) / (1 - beta1^t)
///     w -= alpha * (m / (sqrt(v) + epsilon))
///
/// The moments and `m / (sqrt(v) + epsilon)` are computed in the parameter's dtype; `alpha` is a NumPy float64, so the
/// step `alpha * ratio` and the subtraction are computed in double and rounded once to the parameter's dtype (NumPy 2:
/// a float64 scalar times a float32 array is float64, and `w -= ...` casts back). `decayLearningRate` is the
/// solver's `optim_configs[k]['learning_rate'] *= lr_decay` at each epoch end.
/// Matches `update_rule='adam'` in the CaptioningSolver cells of RNN_Captioning.ipynb and LSTM_Captioning.ipynb.
public struct CS231nAdam<S: TensorScalar>: Sendable {
    /// One parameter's config dict: its hyperparameters and its state.
    public struct Configuration: Sendable {
        public var learningRate: Double
        public var m: Tensor<S>?
        public var v: Tensor<S>?
        public var t: Int = 0
    }

    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    /// The learning rate of a config not created yet (the solver's `optim_config`, decayed with the others).
    public private(set) var learningRate: Double
    /// `optim_configs`, by parameter key.
    public private(set) var configurations: [String: Configuration] = [:]

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// `next_w, optim_configs[key] = adam(w, dw, optim_configs[key])`.
    public mutating func update(_ key: String, _ w: Tensor<S>, _ dw: Tensor<S>) throws(LayerError) -> Tensor<S> {
        guard w.shape == dw.shape else {
            throw LayerError("CS231nAdam", "gradient of '\(key)' has shape \(dw.shape), the parameter \(w.shape)")
        }
        var config = configurations[key] ?? Configuration(learningRate: learningRate)
        let (b1, oneMinusB1) = (S(beta1), S(1 - beta1))
        let (b2, oneMinusB2) = (S(beta2), S(1 - beta2))
        let eps = S(epsilon)
        let m = (config.m ?? .zeros(w.shape)).zipped(with: dw) { b1 * $0 + oneMinusB1 * $1 }
        let v = (config.v ?? .zeros(w.shape)).zipped(with: dw) { b2 * $0 + oneMinusB2 * ($1 * $1) }
        config.t += 1
        let t = Double(config.t)
        let alpha = config.learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        var next = w
        for i in 0..<next.count {
            let ratio = m.scalars[i] / (v.scalars[i].squareRoot() + eps)
            next.scalars[i] = S(Double(w.scalars[i]) - alpha * Double(ratio))
        }
        (config.m, config.v) = (m, v)
        configurations[key] = config
        return next
    }

    /// `optim_configs[k]['learning_rate'] *= lr_decay` for every parameter (the solver, at each epoch end).
    public mutating func decayLearningRate(by factor: Double) {
        learningRate *= factor
        for key in configurations.keys { configurations[key]!.learningRate *= factor }
    }
}
