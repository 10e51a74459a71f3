extension Tensor {
    /// The tensor expanded to `target` by NumPy/PyTorch broadcasting: shapes are aligned at the right and an
    /// axis of size 1 (or a missing leading axis) repeats. Returns nil when the shapes are not compatible.
    public func broadcasted(to target: [Int]) -> Tensor? {
        guard rank <= target.count else { return nil }
        let padded = Array(repeating: 1, count: target.count - rank) + shape
        guard zip(padded, target).allSatisfy({ $0 == $1 || $0 == 1 }) else { return nil }
        if padded == target { return Tensor(shape: target, scalars: scalars) }
        let sourceStrides = Tensor.strides(of: padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        let total = target.reduce(1, *)
        var result = [Element]()
        result.reserveCapacity(total)
        var index = Array(repeating: 0, count: target.count)
        var source = 0
        for _ in 0..<total {
            result.append(scalars[source])
            var axis = target.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += sourceStrides[axis]
                if index[axis] < target[axis] { break }
                source -= sourceStrides[axis] * target[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: target, scalars: result)
    }
}

extension Tensor where Element: TensorScalar {
    /// `masked_fill(~keep, value)`: elements where `keep` is false become `value`; `keep` broadcasts to `shape`.
    /// (PyTorch's notebooks write `scores.masked_fill(mask == 0, -1e9)`: `keep` is that `mask`.)
    public func filled(_ value: Element, whereNot keep: Tensor<Bool>) -> Tensor? {
        guard let keep = keep.broadcasted(to: shape) else { return nil }
        return Tensor(shape: shape, scalars: zip(scalars, keep.scalars).map { $1 ? $0 : value })
    }
}
