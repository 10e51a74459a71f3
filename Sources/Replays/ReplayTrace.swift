public import Tensors

/// The named tensors a replay computed, in the order it computed them.
public struct ReplayTrace<S: TensorScalar>: Sendable {
    public private(set) var names: [String] = []
    public private(set) var tensors: [String: Tensor<S>] = [:]

    public init() {}

    /// Records `tensor` under `name`; a name is recorded once.
    public mutating func record(_ name: String, _ tensor: Tensor<S>) {
        precondition(tensors[name] == nil, "'\(name)' recorded twice")
        names.append(name)
        tensors[name] = tensor
    }

    public subscript(name: String) -> Tensor<S>? { tensors[name] }
}
