import Foundation

/// Elementwise and row-wise work split over the cores in contiguous chunks (on `WorkerPool`, the one thread pool: BLAS
/// runs single-threaded and `TensorScalar.gemm` splits large products on the same pool). Small jobs run inline: below `grain` items
/// per chunk the hand-off costs more than it saves. Chunking never changes a result: each item is computed by
/// the same code wherever its chunk starts.
public enum ParallelChunks {
    /// How many chunks a job of `count` items is split into, at least `grain` items each, at most one per core.
    @inlinable
    public static func chunkCount(_ count: Int, grain: Int) -> Int {
        max(1, min(cores, count / max(grain, 1)))
    }

    /// Whether `TensorScalar.gemm` computes a product of these sizes in the calling thread rather than splitting it
    /// over the cores (the thresholds are OpenBLAS 0.3's own: fewer than 65536 * 4 multiply-adds for gemm, fewer than
    /// 2304 * 4 matrix elements for a one-row product, which goes to gemv).
    @inlinable
    public static func blasRunsInline(m: Int, n: Int, k: Int) -> Bool {
        m == 1 ? n * k < 2304 * 4 : m * n * k < 65_536 * 4
    }

    /// Whether `count` products of these sizes run best one per thread in parallel chunks (many of them, or small
    /// ones) rather than one after another, each split over the cores by `TensorScalar.gemm`.
    @inlinable
    public static func batchInChunks(_ count: Int, m: Int, n: Int, k: Int) -> Bool {
        count >= 4 * cores || blasRunsInline(m: m, n: n, k: k)
    }

    /// The cores the process may use.
    public static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Runs `body(chunk)` for `chunk` in `0..<chunks` over the package's worker threads and the calling thread
    /// (`WorkerPool`): in parallel when more than one, and no other job is running.
    public static func run(chunks: Int, _ body: (Int) -> Void) {
        WorkerPool.shared.run(chunks: chunks, body)
    }

    /// Runs `body` on the ranges `0..<count` splits into (see `chunkCount`), in parallel when there is more than one.
    @inlinable
    public static func run(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(count, grain: grain)
        if chunks == 1 {
            body(0..<count)
            return
        }
        run(chunks: chunks) { chunk in
            body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
        }
    }
}
