internal import CBLAS

/// What the matrix products run on, for benchmark reports: the BLAS library's build configuration, the kernel it
/// chose for this CPU (`openblas_get_corename()`, e.g. `Haswell`) and its thread count (1 once a product has run:
/// `TensorScalar.gemm` splits products over `WorkerPool` itself).
public enum BLASInfo {
    /// `OpenBLAS <config>, core <corename>, <threads> threads`.
    public static var description: String {
        let config = openblas_get_config().map { String(cString: $0) } ?? "?"
        let core = openblas_get_corename().map { String(cString: $0) } ?? "?"
        return "OpenBLAS \(config.trimmingSpaces), core \(core), \(openblas_get_num_threads()) threads"
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

