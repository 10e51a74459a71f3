#if canImport(Glibc)
internal import Glibc
#endif

/// How the process's heap treats the tensors' buffers: a program that calls layers over and over (the benchmark)
/// calls `keepFreedBuffers()` once at start.
///
/// glibc's defaults give a buffer above the mmap threshold (128 KiB, raised at run time to at most 32 MiB) fresh
/// pages from the kernel and return the heap's free top to the kernel above the trim threshold, so that every layer
/// call pays a page fault and a zero-fill per 4 KiB of each intermediate it allocates (MHA, batch 128: 8,600 faults
/// per call, a third of its time). After this call buffers up to 32 MiB come from the heap and freed memory stays
/// there for the next call, as PyTorch's caching allocators keep theirs; results do not change.
public enum HeapPolicy {
    /// Sets glibc's mmap threshold to its maximum (32 MiB on 64-bit) and never trims the heap. Other C libraries
    /// do nothing. Returns whether both settings were accepted.
    @discardableResult
    public static func keepFreedBuffers() -> Bool {
        #if canImport(Glibc)
        // mallopt is in glibc's malloc.h, which the Glibc module does not import: looked up by name.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let (mmapThreshold, trimThreshold): (Int32, Int32) = (-3, -1)  // M_MMAP_THRESHOLD, M_TRIM_THRESHOLD
        return mallopt(mmapThreshold, 32 << 20) == 1 && mallopt(trimThreshold, Int32.max) == 1
        #else
        return false
        #endif
    }
}
