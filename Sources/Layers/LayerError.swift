public import Tensors

/// A layer called with an input or configuration it cannot take.
public struct LayerError: Error, CustomStringConvertible, Equatable {
    /// The layer, e.g. `"LSTM"` or `"MultiHeadedAttention"`.
    public var layer: String
    /// What is wrong, with the shapes or values involved.
    public var message: String

    public init(_ layer: String, _ message: String) {
        self.layer = layer
        self.message = message
    }

    public var description: String { "\(layer): \(message)" }

    /// Fails unless `tensor` has exactly `expected` shape; `-1` in `expected` matches any size.
    public static func check<E>(_ layer: String, _ name: String, _ tensor: Tensor<E>, is expected: [Int]) throws(LayerError) {
        let matches = tensor.rank == expected.count
            && zip(tensor.shape, expected).allSatisfy { $1 == -1 || $0 == $1 }
        if !matches {
            throw LayerError(layer, "\(name) has shape \(tensor.shape), expected \(expected.map { $0 == -1 ? "*" : "\($0)" })")
        }
    }
}
