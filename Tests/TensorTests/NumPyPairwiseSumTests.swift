import Testing
import Tensors

@Suite struct NumPyPairwiseSumTests {
    /// 17 terms: eight partial sums over the first 16 (r0 = 1e8 + 1 rounds to 1e8, r1...r7 = 2), combined as
    /// ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)) = 1e8 + 8 (the + 2 and + 4 round away, the + 8 does not),
    /// then the rest, -1e8: 8, as `np.float32([1e8] + [1] * 15 + [-1e8]).sum()` prints. A sequential sum gives 0.
    @Test func eightPartialSumsThenTheRest() {
        let a: [Float] = [1e8] + [Float](repeating: 1, count: 15) + [-1e8]
        #expect(a.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: $0.count) } == 8)
        #expect(a.reduce(0, +) == 0)
    }

    /// Fewer than 8 terms: in order from 0 (1e8 + 1 rounds away before the - 1e8).
    @Test func fewerThanEightTermsAddInOrder() {
        let a: [Float] = [1e8, 1, -1e8, 1]
        #expect(a.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: $0.count) } == 1)
    }

    /// 1004 terms (the cs231n vocabulary: two halves of 496 and 508, each split again down to blocks of at most 128):
    /// `a = (np.arange(1004, dtype=np.float32) % 97) * np.float32(0.1) + np.float32(1e-3) * (np.arange(1004) % 13)
    /// .astype(np.float32)`; NumPy 2.4 prints `a.sum()` as 4718.109, a sequential float32 sum is 4718.1074. A stride
    /// of 2 over interleaved copies reads the same terms.
    @Test func aLongRowSplitsInHalvesAsNumPyDoes() {
        let a = (0..<1004).map { i in Float(i % 97) * Float(0.1) + Float(1e-3) * Float(i % 13) }
        #expect(a.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: $0.count) } == 4718.109)
        #expect(a.reduce(0, +) == 4718.1074)
        let interleaved: [Float] = a.flatMap { x -> [Float] in [x, -1] }
        #expect(interleaved.withUnsafeBufferPointer { numpyPairwiseSum($0.baseAddress!, count: 1004, stride: 2) } == 4718.109)
    }
}
