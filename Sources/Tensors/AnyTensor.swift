/// A tensor of any element type a fixture can hold, before a replay asks for a particular one.
public enum AnyTensor: Sendable {
    case float32(Tensor<Float>)
    case float64(Tensor<Double>)
    case int64(Tensor<Int64>)
    case uint8(Tensor<UInt8>)
    case bool(Tensor<Bool>)

    /// The dtype name as PyTorch spells it: `float32`, `float64`, `int64`, `uint8`, `bool`.
    public var dtypeName: String {
        switch self {
        case .float32: "float32"
        case .float64: "float64"
        case .int64: "int64"
        case .uint8: "uint8"
        case .bool: "bool"
        }
    }

    public var shape: [Int] {
        switch self {
        case .float32(let t): t.shape
        case .float64(let t): t.shape
        case .int64(let t): t.shape
        case .uint8(let t): t.shape
        case .bool(let t): t.shape
        }
    }

    /// Wraps a floating tensor of either precision.
    public init<S: TensorScalar>(_ tensor: Tensor<S>) {
        if let t = tensor as? Tensor<Float> {
            self = .float32(t)
        } else if let t = tensor as? Tensor<Double> {
            self = .float64(t)
        } else {
            preconditionFailure("no AnyTensor case for \(S.self)")
        }
    }

    /// The tensor as `Tensor<S>` when it holds exactly that scalar type; nil otherwise (no silent conversion).
    public func floating<S: TensorScalar>(_ type: S.Type) -> Tensor<S>? {
        switch self {
        case .float32(let t): t as? Tensor<S>
        case .float64(let t): t as? Tensor<S>
        default: nil
        }
    }

    /// The elements as doubles for reporting and comparison (exact for every stored type).
    public var doubles: [Double] {
        switch self {
        case .float32(let t): t.scalars.map(Double.init)
        case .float64(let t): t.scalars
        case .int64(let t): t.scalars.map(Double.init)
        case .uint8(let t): t.scalars.map(Double.init)
        case .bool(let t): t.scalars.map { $0 ? 1 : 0 }
        }
    }
}
