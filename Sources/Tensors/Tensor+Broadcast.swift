extension Tensor {
    /// The tensor expanded to `target` by NumPy/PyTorch broadcasting: shapes are aligned at the right and an
    /// axis of size 1 (or a missing leading axis) repeats. Returns nil when the shapes are not compatible.
    @inlinable
    public func broadcasted(to target: [Int]) -> Tensor? {
        guard rank <= target.count else { return nil }
        let padded = Array(repeating: 1, count: target.count - rank) + shape
        guard zip(padded, target).allSatisfy({ $0 == $1 || $0 == 1 }) else { return nil }
        if padded == target { return Tensor(shape: target, scalars: scalars) }
        let sourceStrides = Tensor.strides(of: padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        let total = target.reduce(1, *)
        guard total > 0 else { return Tensor(shape: target, scalars: []) }
        return scalars.withUnsafeBufferPointer { source in
            Tensor.build(shape: target) { out in
                var index = Array(repeating: 0, count: target.count)
                var offset = 0
                for i in 0..<total {
                    out.initializeElement(at: i, to: source[offset])
                    var axis = target.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        offset += sourceStrides[axis]
                        if index[axis] < target[axis] { break }
                        offset -= sourceStrides[axis] * target[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }
}

extension Tensor where Element: TensorScalar {
    /// `masked_fill(~keep, value)`: elements where `keep` is false become `value`; `keep` broadcasts to `shape`.
    /// (PyTorch's notebooks write `scores.masked_fill(mask == 0, -1e9)`: `keep` is that `mask`.)
    @inlinable
    public func filled(_ value: Element, whereNot keep: Tensor<Bool>) -> Tensor? {
        guard let keep = keep.broadcasted(to: shape) else { return nil }
        return scalars.withUnsafeBufferPointer { a in
            keep.scalars.withUnsafeBufferPointer { k in
                Tensor.build(shape: shape) { out in
                    for i in 0..<out.count { out.initializeElement(at: i, to: k[i] ? a[i] : value) }
                }
            }
        }
    }
}
