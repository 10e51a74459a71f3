/// An n-dimensional array with a shape and contiguous row-major storage (the last axis is fastest),
/// as a PyTorch tensor after `.contiguous()`.
///
/// `Element` is a `TensorScalar` (`Float`, `Double`) for the layers' arithmetic, or `Int64`, `UInt8`, `Bool`
/// for indices and masks. A rank-0 tensor (shape `[]`) holds one scalar, like a PyTorch loss.
public struct Tensor<Element: Sendable>: Sendable {
    /// The size of each axis.
    public private(set) var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Element]

    /// A tensor over `scalars` in row-major order. The count must match the shape.
    public init(shape: [Int], scalars: [Element]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative size in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "shape \(shape) holds \(shape.reduce(1, *)) elements, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` filled with `value`.
    @inlinable
    public init(shape: [Int], repeating value: Element) {
        self.init(shape: shape, scalars: Array(repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor holding `value`.
    @inlinable
    public init(scalar value: Element) {
        self.init(shape: [], scalars: [value])
    }

    /// The number of axes.
    @inlinable
    public var rank: Int { shape.count }

    /// The number of elements.
    @inlinable
    public var count: Int { scalars.count }

    /// Row-major strides of `shape`, in elements.
    @inlinable
    public static func strides(of shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var step = 1
        for axis in shape.indices.reversed() {
            strides[axis] = step
            step *= shape[axis]
        }
        return strides
    }

    /// The multi-index of the element at row-major `offset`.
    public func index(ofOffset offset: Int) -> [Int] { Self.index(ofOffset: offset, in: shape) }

    /// The multi-index of row-major `offset` in a tensor of `shape`.
    public static func index(ofOffset offset: Int, in shape: [Int]) -> [Int] {
        var rest = offset
        var index = Array(repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    /// The element at a multi-index.
    public subscript(_ index: Int...) -> Element {
        get { scalars[offset(of: index)] }
        set { scalars[offset(of: index)] = newValue }
    }

    private func offset(of index: [Int]) -> Int {
        precondition(index.count == rank, "index \(index) for a tensor of shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(index) out of shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// The same elements viewed with another shape of equal count (PyTorch's `view`/`reshape`).
    /// One axis may be `-1`, inferred from the others.
    @inlinable
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot view \(shape) as \(newShape)")
            resolved[unknown] = count / known
        }
        precondition(resolved.reduce(1, *) == count, "cannot view \(shape) as \(newShape)")
        return Tensor(shape: resolved, scalars: scalars)
    }

    /// Applies `transform` to every element.
    @inlinable
    public func map<Result: Sendable>(_ transform: (Element) throws -> Result) rethrows -> Tensor<Result> {
        Tensor<Result>(shape: shape, scalars: try scalars.map(transform))
    }
}

extension Tensor: Equatable where Element: Equatable {}

extension Tensor: CustomStringConvertible {
    public var description: String { "Tensor\(shape)" }
}
