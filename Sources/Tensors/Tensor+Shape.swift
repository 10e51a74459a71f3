extension Tensor {
    /// Axes reordered so that result axis `i` is input axis `axes[i]` (PyTorch's `permute(...).contiguous()`).
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permutation \(axes) for rank \(rank)")
        let newShape = axes.map { shape[$0] }
        let inputStrides = Tensor.strides(of: shape)
        let stridesInNewOrder = axes.map { inputStrides[$0] }
        guard count > 0 else { return Tensor(shape: newShape, scalars: []) }
        var result = [Element]()
        result.reserveCapacity(count)
        var index = Array(repeating: 0, count: rank)
        var source = 0
        for _ in 0..<count {
            result.append(scalars[source])
            // Advance the multi-index in the new order, keeping `source` in step.
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                source += stridesInNewOrder[axis]
                if index[axis] < newShape[axis] { break }
                source -= stridesInNewOrder[axis] * newShape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(shape: newShape, scalars: result)
    }

    /// The last two axes swapped (`x.transpose(-2, -1)`).
    public func transposedLastTwo() -> Tensor {
        precondition(rank >= 2, "transpose of a rank-\(rank) tensor")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// The elements whose index along `axis` lies in `range` (`x[..., a:b, ...]`).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) for rank \(rank)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "range \(range) on axis of \(shape[axis])")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var result = [Element]()
        result.reserveCapacity(outer * range.count * inner)
        for o in 0..<outer {
            let base = (o * shape[axis] + range.lowerBound) * inner
            result.append(contentsOf: scalars[base..<(base + range.count * inner)])
        }
        var newShape = shape
        newShape[axis] = range.count
        return Tensor(shape: newShape, scalars: result)
    }

    /// The sub-tensor at `index` along `axis`, that axis removed (`x.select(axis, index)`).
    public func select(axis: Int, _ index: Int) -> Tensor {
        var newShape = shape
        newShape.remove(at: axis)
        return slice(axis: axis, index..<(index + 1)).reshaped(newShape)
    }

    /// Tensors joined along `axis` (`torch.cat`); all other axes must agree.
    public static func concatenated(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concatenating nothing")
        let first = parts[0].shape
        for part in parts {
            precondition(
                part.rank == first.count
                    && part.shape.enumerated().allSatisfy { $0.offset == axis || $0.element == first[$0.offset] },
                "cannot concatenate \(part.shape) with \(first) along axis \(axis)")
        }
        let outer = first[..<axis].reduce(1, *)
        let inner = first[(axis + 1)...].reduce(1, *)
        var result = [Element]()
        result.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for o in 0..<outer {
            for part in parts {
                let block = part.shape[axis] * inner
                result.append(contentsOf: part.scalars[(o * block)..<((o + 1) * block)])
            }
        }
        var newShape = first
        newShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        return Tensor(shape: newShape, scalars: result)
    }

    /// The tensor repeated along a new leading axis of size `n` (einops `repeat('() n d -> b n d')`).
    public func broadcastLeading(_ n: Int) -> Tensor {
        var result = [Element]()
        result.reserveCapacity(n * count)
        for _ in 0..<n { result.append(contentsOf: scalars) }
        return Tensor(shape: [n] + shape, scalars: result)
    }
}
