internal import CBLAS
internal import CDNNL

/// What the matrix products run on, for benchmark reports: oneDNN's version and the instruction set its kernels use
/// here (float32 products from 32^3 multiply-adds), and OpenBLAS's build configuration, the kernel it chose for this
/// CPU (`openblas_get_corename()`, e.g. `Haswell`) and its thread count (float64 and small float32 products; 1 once a
/// product has run: `TensorScalar.gemm` splits products over `WorkerPool` itself).
public enum BLASInfo {
    /// `oneDNN <version> (<isa>) sgemm; OpenBLAS <config>, core <corename>, <threads> threads`.
    public static var description: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "?"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        return "\(oneDNN) sgemm; OpenBLAS \(config.trimmingSpaces), core \(core), \(openblas_get_num_threads()) threads"
    }

    /// `oneDNN <major>.<minor>.<patch> (<instruction set its kernels use>)`.
    public static var oneDNN: String {
        let version = dnnl_version().pointee
        let isa: String
        switch cdnnl_effective_isa() {
        case 0x7: isa = "AVX2"
        case 0x407: isa = "AVX2-VNNI"
        case 0x27: isa = "AVX-512"
        case 0x67: isa = "AVX-512 VNNI"
        case 0xe7: isa = "AVX-512 BF16"
        case 0x3e7: isa = "AVX-512 AMX"
        case let other: isa = "isa 0x\(String(other, radix: 16))"
        }
        return "oneDNN \(version.major).\(version.minor).\(version.patch) (\(isa))"
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

