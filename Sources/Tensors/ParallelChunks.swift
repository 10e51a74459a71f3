import Dispatch
import Foundation

/// Elementwise and row-wise work split over the cores in contiguous chunks (`DispatchQueue.concurrentPerform`, the
/// one thread pool besides BLAS's own, which is idle while this runs). Small jobs run inline: below `grain` items
/// per chunk the hand-off costs more than it saves. Chunking never changes a result: each item is computed by
/// the same code wherever its chunk starts.
public enum ParallelChunks {
    /// How many chunks a job of `count` items is split into, at least `grain` items each, at most one per core.
    @inlinable
    public static func chunkCount(_ count: Int, grain: Int) -> Int {
        max(1, min(cores, count / max(grain, 1)))
    }

    /// Whether OpenBLAS computes a product of these sizes in the calling thread whatever its thread count, so that
    /// such products can run in parallel chunks without waking or contending for BLAS's own pool, and give the same
    /// bits as when run one after another (OpenBLAS 0.3: fewer than 65536 * 4 multiply-adds for gemm; a one-row
    /// product goes to gemv, which stays in the caller below 2304 * 4 matrix elements).
    @inlinable
    public static func blasRunsInline(m: Int, n: Int, k: Int) -> Bool {
        m == 1 ? n * k < 2304 * 4 : m * n * k < 65_536 * 4
    }

    /// The cores the process may use.
    public static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Runs `body` on the ranges `0..<count` splits into (see `chunkCount`), in parallel when there is more than one.
    @inlinable
    public static func run(count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let chunks = chunkCount(count, grain: grain)
        if chunks == 1 {
            body(0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                box.value((chunk * count / chunks)..<((chunk + 1) * count / chunks))
            }
        }
    }
}

/// A value handed to the chunks of a parallel job; each chunk touches its own range only.
@usableFromInline
struct UncheckedSendable<T>: @unchecked Sendable {
    @usableFromInline let value: T
    @usableFromInline init(_ value: T) { self.value = value }
}
