public import Tensors

/// The named tensors a replay computed, in the order it computed them (the order `outputs/` must follow).
public struct ReplayTrace<S: TensorScalar>: Sendable {
    public private(set) var names: [String] = []
    public private(set) var tensors: [String: Tensor<S>] = [:]
    /// Names recorded more than once: a replay bug the runner reports (never a trap).
    public private(set) var duplicates: [String] = []

    public init() {}

    /// Records `tensor` under `name`; a name is recorded once.
    public mutating func record(_ name: String, _ tensor: Tensor<S>) {
        guard tensors[name] == nil else { duplicates.append(name); return }
        names.append(name)
        tensors[name] = tensor
    }

    public subscript(name: String) -> Tensor<S>? { tensors[name] }
}
