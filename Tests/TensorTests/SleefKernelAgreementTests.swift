import CSleef
import Testing

/// SLEEF's AVX-512F kernels (used where the CPU has them) give bitwise the results of its AVX2+FMA kernels, so a
/// fixture's numbers do not depend on which of the two machines ran it. Inputs: every 1024th float bit pattern
/// (4.2M values, all signs, NaNs and infinities included) and 2^20 double bit patterns spread over the whole range.
/// Runs only on a CPU with AVX-512F. The exhaustive check over all 2^32 floats and 2^28 doubles is
/// `tools/sleef_kernels_agree.c` (docs/PERFORMANCE.md).
@Suite(.enabled(if: csleef_has_avx512f() != 0, "the CPU has no AVX-512F"))
struct SleefKernelAgreementTests {
    typealias FloatKernel = (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void
    typealias DoubleKernel = (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int) -> Void

    /// The bit patterns where the two kernels' results differ (two NaNs agree).
    static func disagreements<T: BinaryFloatingPoint>(
        _ x: [T], _ first: (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int) -> Void,
        _ second: (UnsafePointer<T>?, UnsafeMutablePointer<T>?, Int) -> Void
    ) -> [T] {
        var (a, b) = ([T](repeating: 0, count: x.count), [T](repeating: 0, count: x.count))
        first(x, &a, x.count)
        second(x, &b, x.count)
        return x.indices.filter { a[$0] != b[$0] && !(a[$0].isNaN && b[$0].isNaN) || (a[$0] == 0 && a[$0].sign != b[$0].sign) }
            .map { x[$0] }
    }

    static let floats: [Float] = stride(from: UInt64(0), to: 1 << 32, by: 1024).map { Float(bitPattern: UInt32($0)) }
    static let doubles: [Double] = (0..<(UInt64(1) << 20)).map {
        Double(bitPattern: $0 << 44 | ($0 &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    static func floatKernels(_ function: String) -> (avx2: FloatKernel, avx512: FloatKernel) {
        switch function {
        case "exp": (csleef_expf_avx2, csleef_expf_avx512)
        case "tanh": (csleef_tanhf_avx2, csleef_tanhf_avx512)
        case "erf": (csleef_erff_avx2, csleef_erff_avx512)
        default: (csleef_logf_avx2, csleef_logf_avx512)
        }
    }

    static func doubleKernels(_ function: String) -> (avx2: DoubleKernel, avx512: DoubleKernel) {
        switch function {
        case "exp": (csleef_expd_avx2, csleef_expd_avx512)
        case "tanh": (csleef_tanhd_avx2, csleef_tanhd_avx512)
        case "erf": (csleef_erfd_avx2, csleef_erfd_avx512)
        default: (csleef_logd_avx2, csleef_logd_avx512)
        }
    }

    @Test(arguments: ["exp", "tanh", "erf", "log"])
    func floatKernelsAgree(_ function: String) {
        let (avx2, avx512) = Self.floatKernels(function)
        let differing = Self.disagreements(Self.floats, avx2, avx512)
        #expect(differing.isEmpty, "Float \(function): AVX2 and AVX-512F differ at \(differing.prefix(5))")
    }

    @Test(arguments: ["exp", "tanh", "erf", "log"])
    func doubleKernelsAgree(_ function: String) {
        let (avx2, avx512) = Self.doubleKernels(function)
        let differing = Self.disagreements(Self.doubles, avx2, avx512)
        #expect(differing.isEmpty, "Double \(function): AVX2 and AVX-512F differ at \(differing.prefix(5))")
    }
}
