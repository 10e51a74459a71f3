extension Tensor where Element: TensorScalar {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// Elementwise combination of two tensors of the same shape.
    public func zipped(with other: Tensor, _ combine: (Element, Element) -> Element) -> Tensor {
        precondition(shape == other.shape, "elementwise op on \(shape) and \(other.shape)")
        return Tensor(shape: shape, scalars: zip(scalars, other.scalars).map(combine))
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, +) }
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, -) }
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, *) }
    public static func * (lhs: Tensor, rhs: Element) -> Tensor { lhs.map { $0 * rhs } }
    public static func / (lhs: Tensor, rhs: Element) -> Tensor { lhs.map { $0 / rhs } }

    /// `self + row`, with `row` broadcast over every leading axis: `row.shape == [shape.last]`
    /// (a Linear layer's bias, a positional table's row).
    public func addingRow(_ row: Tensor) -> Tensor {
        let width = shape.last ?? 1
        precondition(row.shape == [width], "adding a row of \(row.shape) to \(shape)")
        var result = scalars
        result.withUnsafeMutableBufferPointer { out in
            row.scalars.withUnsafeBufferPointer { r in
                var i = 0
                while i < out.count {
                    for j in 0..<width { out[i + j] += r[j] }
                    i += width
                }
            }
        }
        return Tensor(shape: shape, scalars: result)
    }

    /// `self + other`, with `other` broadcast over the leading axes it lacks (`other.shape` is a suffix of `shape`).
    public func addingTrailing(_ other: Tensor) -> Tensor {
        precondition(
            other.rank <= rank && Array(shape.suffix(other.rank)) == other.shape,
            "broadcasting \(other.shape) onto \(shape)")
        let block = other.count
        var result = scalars
        for start in stride(from: 0, to: count, by: max(block, 1)) {
            for j in 0..<block { result[start + j] += other.scalars[j] }
        }
        return Tensor(shape: shape, scalars: result)
    }
}

extension Tensor where Element: TensorScalar {
    /// The tensor converted to another scalar type.
    public func converted<Other: TensorScalar>(to: Other.Type) -> Tensor<Other> {
        map { Other($0) }
    }
}
