extension Tensor where Element: TensorScalar {
    /// Softmax over the last axis, max-subtracted as PyTorch does: `exp(x - max) / sum(exp(x - max))`.
    /// A row that is all `-inf` gives NaN, as in PyTorch.
    public func softmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        var result = scalars
        guard width > 0 else { return self }
        for start in stride(from: 0, to: count, by: width) {
            var maximum = -Element.infinity
            for j in start..<(start + width) { maximum = Swift.max(maximum, result[j]) }
            var total: Element = 0
            for j in start..<(start + width) {
                let e = Element.exp(result[j] - maximum)
                result[j] = e
                total += e
            }
            for j in start..<(start + width) { result[j] /= total }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// Log-softmax over the last axis: `x - max - log(sum(exp(x - max)))`.
    public func logSoftmaxLastAxis() -> Tensor {
        let width = shape.last ?? 1
        var result = scalars
        guard width > 0 else { return self }
        for start in stride(from: 0, to: count, by: width) {
            var maximum = -Element.infinity
            for j in start..<(start + width) { maximum = Swift.max(maximum, result[j]) }
            var total: Element = 0
            for j in start..<(start + width) { total += Element.exp(result[j] - maximum) }
            let shift = maximum + Element.log(total)
            for j in start..<(start + width) { result[j] -= shift }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// The sum of all elements.
    public func sum() -> Element { scalars.reduce(0, +) }

    /// The mean of all elements.
    public func mean() -> Element { sum() / Element(count) }

    /// The mean over axis `axis`, which is removed: `(..., n, ...) -> (..., ...)`.
    public func mean(axis: Int) -> Tensor {
        let outer = shape[..<axis].reduce(1, *)
        let n = shape[axis]
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Element](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<n {
                let base = (o * n + i) * inner
                for j in 0..<inner { result[o * inner + j] += scalars[base + j] }
            }
        }
        var newShape = shape
        newShape.remove(at: axis)
        return Tensor(shape: newShape, scalars: result.map { $0 / Element(n) })
    }
}
