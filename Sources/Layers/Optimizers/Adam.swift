import Foundation
public import Tensors

/// `torch.optim.Adam` as PyTorch 2.x runs it on the CPU (the single-tensor path; `amsgrad`, `weight_decay`,
/// `maximize` at their defaults), one optimizer over a `state_dict`'s keys:
///
///     step += 1
///     m = m.lerp(g, 1 - beta1)                      // m + (1 - beta1)(g - m), PyTorch's lerp
///     v = v * beta2 + (1 - beta2) * g * g
///     denom = sqrt(v) / sqrt(1 - beta2^step) + eps
///     p = p + (-lr / (1 - beta1^step)) * m / denom
///
/// The bias corrections and the step size are computed in double (Python floats) and applied in the parameter's
/// dtype, in PyTorch's order of operations. Every key keeps its own moments and step counter; a step updates exactly
/// the keys that have a gradient (PyTorch skips parameters whose `.grad` is `None`).
/// Matches `optim.Adam(R.parameters(), lr=1e-3)` in boostcamp `lstm.ipynb` and `Adam(lr=0.0002, betas=(0.5, 0.999))`
/// in the AAE notebook.
public struct Adam<S: TensorScalar>: Sendable {
    public let learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let eps: Double
    /// `exp_avg`, `exp_avg_sq` and `step` of each parameter key, as in `optimizer.state`.
    public private(set) var firstMoments: [String: Tensor<S>] = [:]
    public private(set) var secondMoments: [String: Tensor<S>] = [:]
    public private(set) var steps: [String: Int] = [:]

    public init(learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.eps = eps
    }

    /// One `optimizer.step()`: updates every parameter in `parameters` that has a gradient in `gradients`.
    public mutating func step(_ parameters: inout [String: Tensor<S>], gradients: [String: Tensor<S>]) throws(LayerError) {
        for key in gradients.keys.sorted() {
            let gradient = gradients[key]!
            guard var parameter = parameters[key] else {
                throw LayerError("Adam", "a gradient for '\(key)', which is not one of the optimizer's parameters")
            }
            guard parameter.shape == gradient.shape else {
                throw LayerError("Adam", "gradient of '\(key)' has shape \(gradient.shape), the parameter \(parameter.shape)")
            }
            var m = firstMoments[key] ?? .zeros(parameter.shape)
            var v = secondMoments[key] ?? .zeros(parameter.shape)
            let step = (steps[key] ?? 0) + 1
            let weight = S(1 - beta1)
            let decay = S(beta2)
            let squareWeight = S(1 - beta2)
            let stepSize = S(-(learningRate / (1 - pow(beta1, Double(step)))))
            let correction2 = S((1 - pow(beta2, Double(step))).squareRoot())
            let epsilon = S(eps)
            parameter.scalars.withUnsafeMutableBufferPointer { p in
                m.scalars.withUnsafeMutableBufferPointer { m in
                    v.scalars.withUnsafeMutableBufferPointer { v in
                        gradient.scalars.withUnsafeBufferPointer { g in
                            for i in 0..<p.count {
                                // at::lerp: weight < 0.5 ? a + w (b - a) : b - (b - a)(1 - w)
                                m[i] = weight < 0.5 ? m[i] + weight * (g[i] - m[i]) : g[i] - (g[i] - m[i]) * (1 - weight)
                                v[i] = v[i] * decay
                                v[i] = v[i] + squareWeight * g[i] * g[i]
                                let denom = v[i].squareRoot() / correction2 + epsilon
                                p[i] = p[i] + stepSize * m[i] / denom
                            }
                        }
                    }
                }
            }
            parameters[key] = parameter
            firstMoments[key] = m
            secondMoments[key] = v
            steps[key] = step
        }
    }
}
