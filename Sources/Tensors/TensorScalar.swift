internal import CBLAS
internal import CDNNL
public import RealModule

/// A floating-point type the layers compute in: `Float` (PyTorch's float32) or `Double` (float64).
///
/// Besides the elementary functions of `Real`, a scalar type knows its BLAS matrix product
/// (oneDNN's `dnnl_sgemm` or OpenBLAS's `sgemm` for Float, OpenBLAS's `dgemm` for Double; split over the cores by
/// `gemm`), its vectorized exp/tanh/erf/log over buffers and the fused pointwise half of an LSTM step (SLEEF for Float
/// and Double) and its name in fixtures.
public protocol TensorScalar: Real, BinaryFloatingPoint, Sendable, CustomStringConvertible {
    /// The dtype name used in fixtures and reports: `"float32"` or `"float64"`.
    static var dtypeName: String { get }

    /// Row-major `C = alpha * op(A) * op(B) + beta * C`, with `op(A): (m, k)`, `op(B): (k, n)`, `C: (m, n)`, by one
    /// library call in the calling thread (oneDNN and OpenBLAS run single-threaded: `gemm` splits large products over
    /// the cores).
    static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// `y[i] = exp(x[i])` for `i < count`, vectorized (`x` may equal `y`); see `TensorScalar+VectorMath.swift`.
    static func vectorExp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = tanh(x[i])` for `i < count`, vectorized (`x` may equal `y`).
    static func vectorTanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = erf(x[i])` for `i < count`, vectorized (`x` may equal `y`).
    static func vectorErf(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int)
    /// `y[i] = log(x[i])` for `i < count`, vectorized (`x` may equal `y`).
    static func vectorLog(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, count: Int)
    /// The pointwise half of an LSTM step for one batch row, in one vectorized pass (PyTorch's gate order; `row` holds
    /// `[i f g o]`, `d` each, `x W_ih^T + h W_hh^T`):
    ///
    ///     a = (row + b_ih) + b_hh,   i, f, o = 1 / (1 + exp(-a)),   g = tanh(a)
    ///     c = f * c + i * g,         h = o * tanh(c)
    ///
    /// `row` is left holding `[i f g o]` activated, `cell` (`d`) is updated in place, `hidden` (`d`) receives `h`.
    /// See `TensorScalar+VectorMath.swift`.
    static func lstmCell(
        _ row: UnsafeMutablePointer<Self>, inputBias: UnsafePointer<Self>, hiddenBias: UnsafePointer<Self>,
        cell: UnsafeMutablePointer<Self>, hidden: UnsafeMutablePointer<Self>, width d: Int)
}

private func cblasTranspose(_ flag: Bool) -> CBLAS_TRANSPOSE { flag ? CblasTrans : CblasNoTrans }

extension Float: TensorScalar {
    public static var dtypeName: String { "float32" }

    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 1 && k > 0 {
            // A one-row product is a matrix-vector product: sgemv reads op(B) in place where sgemm would pack it.
            if beta == 0 { c.update(repeating: 0, count: n) }
            cblas_sgemv(
                CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                alpha, b, Int32(ldb), a, Int32(transposeA ? lda : 1), beta == 0 ? 1 : beta, c, 1)
            return
        }
        if m * n * k >= oneDNNMinimumWork {
            // oneDNN's kernels use the CPU's widest vectors (AVX-512 where the CPU has it, at twice the rate
            // of OpenBLAS's Haswell kernels); it runs in this thread alone. It refuses only malformed arguments,
            // which the layers never pass; OpenBLAS then computes the same product.
            let status = cdnnl_sgemm_in_this_thread(
                transposeA ? 84 : 78, transposeB ? 84 : 78, Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda), b,
                Int64(ldb), beta, c, Int64(ldc))  // "T" : "N"
            if status == dnnl_success { return }
        }
        cblas_sgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// Products with fewer multiply-adds (`m * n * k`) run on OpenBLAS: below about 32^3 oneDNN's per-call work
    /// costs more than its kernels save (16^3: 1.0 us against OpenBLAS's 0.4 us).
    @usableFromInline static let oneDNNMinimumWork = 32 * 32 * 32
}

extension Double: TensorScalar {
    public static var dtypeName: String { "float64" }

    public static func blasGemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        if m == 1 && k > 0 {
            // A one-row product is a matrix-vector product: dgemv reads op(B) in place where dgemm would pack it.
            if beta == 0 { c.update(repeating: 0, count: n) }
            cblas_dgemv(
                CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans, Int32(transposeB ? n : k), Int32(transposeB ? k : n),
                alpha, b, Int32(ldb), a, Int32(transposeA ? lda : 1), beta == 0 ? 1 : beta, c, 1)
            return
        }
        cblas_dgemm(
            CblasRowMajor, cblasTranspose(transposeA), cblasTranspose(transposeB),
            Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension TensorScalar {
    /// The largest of `x[0..<count]` (`-infinity` when empty), over four independent running maxima: the same value
    /// as a left-to-right `max` for inputs without NaN (a NaN makes a softmax row NaN either way), without the
    /// one-after-another dependency of a single running maximum.
    @inlinable
    public static func maximum(_ x: UnsafePointer<Self>, count: Int) -> Self {
        var (m0, m1, m2, m3) = (-Self.infinity, -Self.infinity, -Self.infinity, -Self.infinity)
        var j = 0
        while j + 4 <= count {
            let (a, b, c, d) = (x[j], x[j + 1], x[j + 2], x[j + 3])
            m0 = a > m0 ? a : m0
            m1 = b > m1 ? b : m1
            m2 = c > m2 ? c : m2
            m3 = d > m3 ? d : m3
            j += 4
        }
        while j < count {
            m0 = x[j] > m0 ? x[j] : m0
            j += 1
        }
        m0 = m1 > m0 ? m1 : m0
        m2 = m3 > m2 ? m3 : m2
        return m2 > m0 ? m2 : m0
    }
}
