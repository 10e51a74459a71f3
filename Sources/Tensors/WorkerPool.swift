import Foundation
import Synchronization

/// The package's worker threads: `cores - 1` threads that, with the calling thread, run the chunks of one parallel
/// job at a time (`ParallelChunks.run`, the split products of `TensorScalar.gemm`).
///
/// A worker that finishes a job spins on the job ticket for a while (2^20 polls, about 0.3 ms) before it parks on a
/// condition variable, as OpenMP's workers do: layers hand out jobs of 10-100 µs back to back, with serial work
/// between them, and waking a parked thread (or a `DispatchQueue.concurrentPerform` worker) costs about as much as
/// such a job; on a virtual machine a parked thread's CPU may itself be parked by the host, and then the wake-up costs
/// milliseconds (with 2^17 polls, about 40 µs, the AAE's median doubled on a busy host). The caller claims chunks
/// too, so a job never waits for a worker to wake; a job started while another runs (a nested call, a second caller
/// thread) runs its chunks in the calling thread, one after another.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: min(ParallelChunks.cores, 255) - 1)

    /// `generation << 16 | chunks << 8 | next unclaimed chunk`: a worker claims chunk `next` of job `generation` by
    /// one compare-exchange, so it never runs a chunk of a job that has ended.
    private let ticket = Atomic<Int>(0)
    /// Chunks of the current job that have finished.
    private let finished = Atomic<Int>(0)
    /// Whether a job is running.
    private let busy = Atomic<Bool>(false)
    /// Workers parked (or about to park) on `condition`.
    private let sleepers = Atomic<Int>(0)
    /// The current job's body, `(chunk) -> Void`, valid while the job runs (read only after a claim succeeds).
    private nonisolated(unsafe) var body: UnsafeRawPointer?
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    let workers: Int

    private static let spinLimit = 1 << 20

    private init(workers: Int) {
        self.workers = max(workers, 0)
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for _ in 0..<self.workers {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "Tensors.WorkerPool"
            thread.start()
        }
    }

    /// Runs `body(0) ... body(chunks - 1)`, spread over the workers and the calling thread; returns when all ended.
    func run(chunks: Int, _ body: (Int) -> Void) {
        guard chunks > 1, workers > 0, chunks < 256,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var job = escapable
            withUnsafePointer(to: &job) { job in
                self.body = UnsafeRawPointer(job)
                finished.store(0, ordering: .relaxed)
                let generation = (ticket.load(ordering: .relaxed) >> 16) + 1
                ticket.store(generation << 16 | chunks << 8, ordering: .sequentiallyConsistent)
                if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_broadcast(condition)
                    pthread_mutex_unlock(mutex)
                }
                claimAndRun(generation: generation)
                var spins = 0
                while finished.load(ordering: .acquiring) < chunks {
                    spins += 1
                    if spins > 4096 { sched_yield() }  // a worker holding a chunk was descheduled
                }
                self.body = nil
            }
        }
        busy.store(false, ordering: .releasing)
    }

    /// Claims and runs chunks of job `generation` until none is left.
    private func claimAndRun(generation: Int) {
        var state = ticket.load(ordering: .acquiring)
        while state >> 16 == generation, state & 0xFF < (state >> 8) & 0xFF {
            let (exchanged, original) = ticket.compareExchange(
                expected: state, desired: state + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                runChunk(state & 0xFF)
                finished.add(1, ordering: .releasing)
                state = ticket.load(ordering: .acquiring)
            } else {
                state = original
            }
        }
    }

    /// Calls the job's body; its copy of the closure is released before the caller learns the chunk has finished.
    @inline(never)
    private func runChunk(_ chunk: Int) {
        let job = body!.assumingMemoryBound(to: ((Int) -> Void).self)
        job.pointee(chunk)
    }

    private func work() {
        var seen = ticket.load(ordering: .acquiring) >> 16
        while true {
            var spins = 0
            var state = ticket.load(ordering: .acquiring)
            while state >> 16 == seen {
                spins += 1
                if spins > Self.spinLimit {
                    park(seen: seen)
                    spins = 0
                }
                state = ticket.load(ordering: .acquiring)
            }
            seen = state >> 16
            claimAndRun(generation: seen)
        }
    }

    private func park(seen: Int) {
        pthread_mutex_lock(mutex)
        sleepers.add(1, ordering: .sequentiallyConsistent)
        while ticket.load(ordering: .sequentiallyConsistent) >> 16 == seen {
            pthread_cond_wait(condition, mutex)
        }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        pthread_mutex_unlock(mutex)
    }
}
