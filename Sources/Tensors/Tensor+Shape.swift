extension Tensor {
    /// Axes reordered so that result axis `i` is input axis `axes[i]` (PyTorch's `permute(...).contiguous()`).
    /// Copies whole runs along the result's last axis (one block copy per run when that axis stays the input's last,
    /// as in a head split or merge).
    @inlinable
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permutation \(axes) for rank \(rank)")
        let newShape = axes.map { shape[$0] }
        guard count > 0 else { return Tensor(shape: newShape, scalars: []) }
        guard rank > 0 else { return self }
        let inputStrides = Tensor.strides(of: shape)
        let strides = axes.map { inputStrides[$0] }
        let inner = newShape[rank - 1]
        let innerStride = strides[rank - 1]
        let runs = count / inner
        return scalars.withUnsafeBufferPointer { source in
            Tensor.build(shape: newShape) { out in
                let src = source.baseAddress!
                var destination = out.baseAddress!
                var index = [Int](repeating: 0, count: rank)
                var offset = 0
                for _ in 0..<runs {
                    if innerStride == 1 {
                        destination.initialize(from: src + offset, count: inner)
                    } else {
                        for j in 0..<inner { (destination + j).initialize(to: src[offset + j * innerStride]) }
                    }
                    destination += inner
                    // Advance the multi-index over the result's leading axes, keeping `offset` in step.
                    var axis = rank - 2
                    while axis >= 0 {
                        index[axis] += 1
                        offset += strides[axis]
                        if index[axis] < newShape[axis] { break }
                        offset -= strides[axis] * newShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

    /// The last two axes swapped (`x.transpose(-2, -1)`).
    @inlinable
    public func transposedLastTwo() -> Tensor {
        precondition(rank >= 2, "transpose of a rank-\(rank) tensor")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// The elements whose index along `axis` lies in `range` (`x[..., a:b, ...]`).
    @inlinable
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        precondition(axis >= 0 && axis < rank, "axis \(axis) for rank \(rank)")
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis], "range \(range) on axis of \(shape[axis])")
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var newShape = shape
        newShape[axis] = range.count
        let block = range.count * inner
        let axisSize = shape[axis]
        return scalars.withUnsafeBufferPointer { source in
            Tensor.build(shape: newShape) { out in
                guard block > 0 else { return }
                for o in 0..<outer {
                    let base = (o * axisSize + range.lowerBound) * inner
                    (out.baseAddress! + o * block).initialize(from: source.baseAddress! + base, count: block)
                }
            }
        }
    }

    /// The sub-tensor at `index` along `axis`, that axis removed (`x.select(axis, index)`).
    @inlinable
    public func select(axis: Int, _ index: Int) -> Tensor {
        var newShape = shape
        newShape.remove(at: axis)
        return slice(axis: axis, index..<(index + 1)).reshaped(newShape)
    }

    /// Tensors joined along `axis` (`torch.cat`); all other axes must agree.
    @inlinable
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
        var newShape = first
        newShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        return Tensor.build(shape: newShape) { out in
            guard var destination = out.baseAddress else { return }
            for o in 0..<outer {
                for part in parts {
                    let block = part.shape[axis] * inner
                    guard block > 0 else { continue }
                    part.scalars.withUnsafeBufferPointer { source in
                        destination.initialize(from: source.baseAddress! + o * block, count: block)
                    }
                    destination += block
                }
            }
        }
    }

    /// The tensor repeated along a new leading axis of size `n` (einops `repeat('() n d -> b n d')`).
    @inlinable
    public func broadcastLeading(_ n: Int) -> Tensor {
        let block = count
        return scalars.withUnsafeBufferPointer { source in
            Tensor.build(shape: [n] + shape) { out in
                guard block > 0 else { return }
                for i in 0..<n { (out.baseAddress! + i * block).initialize(from: source.baseAddress!, count: block) }
            }
        }
    }
}
