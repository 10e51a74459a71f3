/// Parameters by PyTorch `state_dict` key, handed out to the layers that declare them.
///
/// Loading is strict: `take` fails on a missing key or a wrong shape, naming the full dotted key and both
/// shapes, and `finish` fails on keys no layer asked for. Layouts are PyTorch's (`Linear.weight` is `[out, in]`),
/// so no transposition list is needed. Integer buffers of a `state_dict` (BatchNorm's `num_batches_tracked`, int64)
/// are held apart and handed out by `takeInteger`; `finish` accounts for them too.
public struct ParameterStore<Scalar: TensorScalar>: Sendable {
    private var tensors: [String: Tensor<Scalar>]
    private var integers: [String: Tensor<Int64>]
    private var taken: Set<String> = []

    public init(_ tensors: [String: Tensor<Scalar>], integers: [String: Tensor<Int64>] = [:]) {
        self.tensors = tensors
        self.integers = integers
    }

    /// Every key in the store, sorted.
    public var keys: [String] { (Array(tensors.keys) + Array(integers.keys)).sorted() }

    /// The parameter at `key`, which must have `shape`.
    public mutating func take(_ key: String, shape: [Int]) throws(ParameterError) -> Tensor<Scalar> {
        guard let tensor = tensors[key] else { throw .missing(key: key, expectedShape: shape) }
        guard tensor.shape == shape else { throw .wrongShape(key: key, expected: shape, found: tensor.shape) }
        taken.insert(key)
        return tensor
    }

    /// The int64 buffer at `key` (e.g. `num_batches_tracked`), which must have `shape`.
    public mutating func takeInteger(_ key: String, shape: [Int]) throws(ParameterError) -> Tensor<Int64> {
        guard let tensor = integers[key] else { throw .missing(key: key, expectedShape: shape) }
        guard tensor.shape == shape else { throw .wrongShape(key: key, expected: shape, found: tensor.shape) }
        taken.insert(key)
        return tensor
    }

    /// Fails when a parameter was never taken: the model and the `state_dict` disagree.
    public func finish() throws(ParameterError) {
        let unused = keys.filter { !taken.contains($0) }
        if !unused.isEmpty { throw .unused(keys: unused) }
    }
}

/// A mismatch between a model's declared parameters and a `state_dict`.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
    case missing(key: String, expectedShape: [Int])
    case wrongShape(key: String, expected: [Int], found: [Int])
    case unused(keys: [String])

    public var description: String {
        switch self {
        case .missing(let key, let shape): "parameter '\(key)' is missing (the model expects shape \(shape))"
        case .wrongShape(let key, let expected, let found):
            "parameter '\(key)' has shape \(found), the model expects \(expected)"
        case .unused(let keys): "parameters no layer uses: \(keys.joined(separator: ", "))"
        }
    }
}
