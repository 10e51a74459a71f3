extension Tensor {
    /// A tensor of `shape` whose `count` elements `body` initializes in row-major order through a raw buffer: one
    /// allocation, no zero-fill. `body` must initialize every element.
    @inlinable
    public static func build(
        shape: [Int], _ body: (UnsafeMutableBufferPointer<Element>) throws -> Void
    ) rethrows -> Tensor {
        let count = shape.reduce(1, *)
        let scalars = try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(buffer)
            initialized = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension Tensor where Element: TensorScalar {
    /// A tensor of zeros.
    @inlinable
    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }

    /// Elementwise combination of two tensors of the same shape.
    @inlinable
    public func zipped(with other: Tensor, _ combine: (Element, Element) -> Element) -> Tensor {
        precondition(shape == other.shape, "elementwise op on \(shape) and \(other.shape)")
        return scalars.withUnsafeBufferPointer { a in
            other.scalars.withUnsafeBufferPointer { b in
                Tensor.build(shape: shape) { out in
                    for i in 0..<out.count { out.initializeElement(at: i, to: combine(a[i], b[i])) }
                }
            }
        }
    }

    /// Applies `transform` to every element, over raw buffers (`map` for scalar-to-scalar transforms).
    @inlinable
    public func mapScalars(_ transform: (Element) -> Element) -> Tensor {
        scalars.withUnsafeBufferPointer { a in
            Tensor.build(shape: shape) { out in
                for i in 0..<out.count { out.initializeElement(at: i, to: transform(a[i])) }
            }
        }
    }

    @inlinable
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, +) }
    @inlinable
    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, -) }
    @inlinable
    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { lhs.zipped(with: rhs, *) }
    @inlinable
    public static func * (lhs: Tensor, rhs: Element) -> Tensor { lhs.mapScalars { $0 * rhs } }
    @inlinable
    public static func / (lhs: Tensor, rhs: Element) -> Tensor { lhs.mapScalars { $0 / rhs } }

    /// `self + row`, with `row` broadcast over every leading axis: `row.shape == [shape.last]`
    /// (a Linear layer's bias, a positional table's row).
    @inlinable
    public func addingRow(_ row: Tensor) -> Tensor {
        let width = shape.last ?? 1
        precondition(row.shape == [width], "adding a row of \(row.shape) to \(shape)")
        var result = self
        result.addRow(row)
        return result
    }

    /// `self += row` in place, `row` broadcast over every leading axis (see `addingRow`).
    @inlinable
    public mutating func addRow(_ row: Tensor) {
        let width = shape.last ?? 1
        precondition(row.shape == [width], "adding a row of \(row.shape) to \(shape)")
        guard width > 0 else { return }
        let count = self.count
        row.scalars.withUnsafeBufferPointer { r in
            scalars.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < count {
                    let base = out.baseAddress! + start
                    for j in 0..<width { base[j] += r[j] }
                    start += width
                }
            }
        }
    }

    /// `self + other`, with `other` broadcast over the leading axes it lacks (`other.shape` is a suffix of `shape`).
    @inlinable
    public func addingTrailing(_ other: Tensor) -> Tensor {
        precondition(
            other.rank <= rank && Array(shape.suffix(other.rank)) == other.shape,
            "broadcasting \(other.shape) onto \(shape)")
        let block = other.count
        var result = self
        guard block > 0 else { return result }
        let count = self.count
        other.scalars.withUnsafeBufferPointer { o in
            result.scalars.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < count {
                    let base = out.baseAddress! + start
                    for j in 0..<block { base[j] += o[j] }
                    start += block
                }
            }
        }
        return result
    }
}

extension Tensor where Element: TensorScalar {
    /// The tensor converted to another scalar type.
    @inlinable
    public func converted<Other: TensorScalar>(to: Other.Type) -> Tensor<Other> {
        map { Other($0) }
    }
}
