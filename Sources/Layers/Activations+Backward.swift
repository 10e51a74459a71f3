public import Tensors

/// Derivatives of the elementwise activations, as PyTorch's backward kernels compute them: `dy` is the gradient of
/// the activation's output, `y` its output, `x` its input. Shapes: all the same.
public enum ActivationBackward {
    /// `relu`: `dx = y > 0 ? dy : 0` (`threshold_backward(dy, y, 0)`, on the output as autograd saves it).
    public static func relu<S: TensorScalar>(_ dy: Tensor<S>, output y: Tensor<S>) -> Tensor<S> {
        dy.zipped(with: y) { g, y in y > 0 ? g : 0 }
    }

    /// `tanh`: `dx = dy * (1 - y^2)` (`tanh_backward`).
    public static func tanh<S: TensorScalar>(_ dy: Tensor<S>, output y: Tensor<S>) -> Tensor<S> {
        dy.zipped(with: y) { g, y in g * (1 - y * y) }
    }

    /// `sigmoid`: `dx = dy * (1 - y) * y` (`sigmoid_backward`).
    public static func sigmoid<S: TensorScalar>(_ dy: Tensor<S>, output y: Tensor<S>) -> Tensor<S> {
        dy.zipped(with: y) { g, y in g * (1 - y) * y }
    }

    /// The exact (erf) GELU, `gelu(x) = x * Phi(x)`: `dx = dy * (Phi(x) + x * phi(x))` with
    /// `Phi(x) = (1 + erf(x / sqrt 2)) / 2` and `phi(x) = exp(-x^2 / 2) / sqrt(2 pi)` (`gelu_backward`, approximate
    /// 'none'), on the input as autograd saves it.
    public static func gelu<S: TensorScalar>(_ dy: Tensor<S>, input x: Tensor<S>) -> Tensor<S> {
        let kAlpha = S(0.70710678118654752440)                 // M_SQRT1_2
        let kBeta = S(1.12837916709551257390 * 0.70710678118654752440 * 0.5)  // M_2_SQRTPI * M_SQRT1_2 * 0.5
        return dy.zipped(with: x) { g, x in
            let cdf = S(0.5) * (1 + S.erf(x * kAlpha))
            let pdf = kBeta * S.exp(x * x * S(-0.5))
            return g * (cdf + x * pdf)
        }
    }
}
