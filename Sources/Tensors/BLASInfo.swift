internal import CBLAS
import Foundation

/// What the matrix products run on, for benchmark reports: the BLAS library's build configuration, the kernel it
/// chose for this CPU (`openblas_get_corename()`, e.g. `Haswell`) and its thread count.
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

/// Many small independent matrix products run in parallel chunks (`ParallelChunks`) with OpenBLAS held to one thread
/// meanwhile, so that its own pool does not wake for, and fight over, products too small to share.
public enum SmallProducts {
    nonisolated(unsafe) private static var depth = 0
    nonisolated(unsafe) private static var saved: Int32 = 1
    private static let lock = NSLock()

    /// Runs `body` with BLAS single-threaded (nested and concurrent callers are counted; the last one out restores
    /// the thread count found by the first one in).
    public static func withSingleThreadedBLAS<R>(_ body: () throws -> R) rethrows -> R {
        lock.lock()
        if depth == 0 {
            saved = openblas_get_num_threads()
            openblas_set_num_threads(1)
        }
        depth += 1
        lock.unlock()
        defer {
            lock.lock()
            depth -= 1
            if depth == 0 { openblas_set_num_threads(saved) }
            lock.unlock()
        }
        return try body()
    }
}
