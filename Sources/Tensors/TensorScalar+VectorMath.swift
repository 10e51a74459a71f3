internal import CSleef

// Vectorized elementary functions over buffers: `y[i] = f(x[i])` for `i < count` (`x == y` allowed), and the LSTM
// step's pointwise half fused over them (`lstmCell`; Sources/CSleef/lstm_cell.h).
// Float and Double run SLEEF 3.5's u10 kernels (AVX-512F, AVX2+FMA, or SSE2 on older CPUs), the library PyTorch itself
// uses for its vectorized exp/tanh/erf/log; any other TensorScalar falls back to its scalar `Real` functions.
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
    public static func lstmCell(
        _ row: UnsafeMutablePointer<Self>, inputBias: UnsafePointer<Self>, hiddenBias: UnsafePointer<Self>,
        cell: UnsafeMutablePointer<Self>, hidden: UnsafeMutablePointer<Self>, width d: Int
    ) {
        for j in 0..<d {
            let a = { (q: Int) in (row[q * d + j] + inputBias[q * d + j]) + hiddenBias[q * d + j] }
            let (i, f, g, o) = (1 / (1 + exp(0 - a(0))), 1 / (1 + exp(0 - a(1))), tanh(a(2)), 1 / (1 + exp(0 - a(3))))
            let (forget, input) = (f * cell[j], i * g)
            cell[j] = forget + input
            (row[j], row[d + j], row[2 * d + j], row[3 * d + j]) = (i, f, g, o)
            hidden[j] = o * tanh(cell[j])
        }
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
    public static func lstmCell(
        _ row: UnsafeMutablePointer<Float>, inputBias: UnsafePointer<Float>, hiddenBias: UnsafePointer<Float>,
        cell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>, width d: Int
    ) {
        csleef_lstm_cellf(row, inputBias, hiddenBias, cell, hidden, d)
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
    public static func lstmCell(
        _ row: UnsafeMutablePointer<Double>, inputBias: UnsafePointer<Double>, hiddenBias: UnsafePointer<Double>,
        cell: UnsafeMutablePointer<Double>, hidden: UnsafeMutablePointer<Double>, width d: Int
    ) {
        csleef_lstm_celld(row, inputBias, hiddenBias, cell, hidden, d)
    }
}
