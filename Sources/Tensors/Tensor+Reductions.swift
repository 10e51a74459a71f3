public import RealModule

extension Tensor where Element: TensorScalar {
    /// Softmax over the last axis, max-subtracted as PyTorch does: `exp(x - max) / sum(exp(x - max))`.
    /// A row that is all `-inf` gives NaN, as in PyTorch. The exponentials are vectorized (`vectorExp`).
    @inlinable
    public func softmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        guard width > 0 else { return self }
        var result = self
        let rows = count / width
        result.scalars.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            // Rows are independent: chunks of rows run in parallel when there are enough of them.
            ParallelChunks.run(count: rows, grain: Swift.max(1, 32_768 / width)) { range in
                for r in range {
                    let row = base + r * width
                    let maximum = Element.maximum(row, count: width)
                    for j in 0..<width { row[j] -= maximum }
                    Element.vectorExp(row, row, count: width)
                    var total: Element = 0
                    for j in 0..<width { total += row[j] }
                    for j in 0..<width { row[j] /= total }
                }
            }
        }
        return result
    }

    /// Log-softmax over the last axis: `x - max - log(sum(exp(x - max)))`.
    @inlinable
    public func logSoftmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        guard width > 0 else { return self }
        var result = self
        let count = self.count
        var exponentials = [Element](repeating: 0, count: width)
        result.scalars.withUnsafeMutableBufferPointer { buffer in
            exponentials.withUnsafeMutableBufferPointer { e in
                var start = 0
                while start < count {
                    let row = buffer.baseAddress! + start
                    let maximum = Element.maximum(row, count: width)
                    for j in 0..<width { e[j] = row[j] - maximum }
                    Element.vectorExp(e.baseAddress!, e.baseAddress!, count: width)
                    var total: Element = 0
                    for j in 0..<width { total += e[j] }
                    let shift = maximum + Element.log(total)
                    for j in 0..<width { row[j] -= shift }
                    start += width
                }
            }
        }
        return result
    }

    /// The sum of all elements.
    @inlinable
    public func sum() -> Element {
        scalars.withUnsafeBufferPointer { a in
            var total: Element = 0
            for x in a { total += x }
            return total
        }
    }

    /// The mean of all elements.
    @inlinable
    public func mean() -> Element { sum() / Element(count) }

    /// The mean over axis `axis`, which is removed: `(..., n, ...) -> (..., ...)`.
    @inlinable
    public func mean(axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *)
        let n = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Element](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { r in
                for o in 0..<outer {
                    for i in 0..<n {
                        let base = (o * n + i) * inner
                        for j in 0..<inner { r[o * inner + j] += a[base + j] }
                    }
                }
                for j in 0..<r.count { r[j] /= Element(n) }
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, scalars: result)
    }
}
