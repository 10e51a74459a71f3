/// NumPy's pairwise summation, as `np.sum` / `np.add.reduce` computes a float reduction along a contiguous axis
/// (`pairwise_sum` in numpy/_core/src/umath/loops_utils.h.src), in the same order of operations:
///
///     n < 8:        ((0 + a0) + a1) + ... + a(n-1)
///     8 <= n <= 128: eight partial sums r[j] = a[j] + a[j+8] + a[j+16] + ... (over the largest multiple of 8),
///                    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the n % 8 rest added in order
///     n > 128:      sum(a[..<n2]) + sum(a[n2...]) with n2 = n / 2 rounded down to a multiple of 8
///
/// A reduction over a non-contiguous (outer) axis is not pairwise in NumPy: the rows are added one after another.
/// The float32 result of a sequential sum of 1000 terms is typically several ulps from this one, so a replay that
/// must round like NumPy uses this order. `stride` is in elements.
@inlinable
public func numpyPairwiseSum<S: TensorScalar>(_ a: UnsafePointer<S>, count n: Int, stride: Int = 1) -> S {
    if n < 8 {
        var res: S = 0
        for i in 0..<n { res += a[i * stride] }
        return res
    } else if n <= 128 {
        var r0 = a[0], r1 = a[stride], r2 = a[2 * stride], r3 = a[3 * stride]
        var r4 = a[4 * stride], r5 = a[5 * stride], r6 = a[6 * stride], r7 = a[7 * stride]
        var i = 8
        while i < n - n % 8 {
            let p = a + i * stride
            r0 += p[0]
            r1 += p[stride]
            r2 += p[2 * stride]
            r3 += p[3 * stride]
            r4 += p[4 * stride]
            r5 += p[5 * stride]
            r6 += p[6 * stride]
            r7 += p[7 * stride]
            i += 8
        }
        var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n {
            res += a[i * stride]
            i += 1
        }
        return res
    } else {
        var n2 = n / 2
        n2 -= n2 % 8
        return numpyPairwiseSum(a, count: n2, stride: stride) + numpyPairwiseSum(a + n2 * stride, count: n - n2, stride: stride)
    }
}
