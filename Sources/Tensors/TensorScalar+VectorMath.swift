internal import CSleef

// Vectorized elementary functions over buffers: `y[i] = f(x[i])` for `i < count` (`x == y` allowed).
// Float and Double run SLEEF 3.5's u10 kernels (AVX-512F, AVX2+FMA, or SSE2 on older CPUs; float tanh the u35 one), the
// library PyTorch itself uses for its vectorized exp/tanh/erf/log; any other TensorScalar falls back to its scalar
// `Real` functions.
// Accuracy, measured against the float64 answer over each function's whole input range by
// Tests/TensorTests/VectorMathTests.swift, is recorded in docs/PERFORMANCE.md.

extension TensorScalar {
    public static func vectorExp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { y[i] = exp(x[i]) }
    }
    public static func vectorTanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { y[i] = tanh(x[i]) }
    }
    public static func vectorErf(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { y[i] = erf(x[i]) }
    }
    public static func vectorLog(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int) {
        for i in 0..<count { y[i] = log(x[i]) }
    }
}

extension Float {
    public static func vectorExp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        csleef_expf(x, y, count)
    }
    public static func vectorTanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        csleef_tanhf(x, y, count)
    }
    public static func vectorErf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        csleef_erff(x, y, count)
    }
    public static func vectorLog(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        csleef_logf(x, y, count)
    }
}

extension Double {
    public static func vectorExp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
        csleef_expd(x, y, count)
    }
    public static func vectorTanh(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
        csleef_tanhd(x, y, count)
    }
    public static func vectorErf(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
        csleef_erfd(x, y, count)
    }
    public static func vectorLog(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int) {
        csleef_logd(x, y, count)
    }
}
