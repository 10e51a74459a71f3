/// The element type of a dataset or attribute as stored in the file: class, size and byte order.
///
/// `bool` is h5py's encoding of numpy `bool`: an HDF5 enum over a 1-byte integer with `FALSE = 0`, `TRUE = 1`.
public enum HDF5StoredType: Sendable, Equatable, CustomStringConvertible {
    /// Byte order of a stored number.
    public enum ByteOrder: Sendable, Equatable {
        case littleEndian, bigEndian
        /// VAX, mixed, or "none" orders.
        case other
    }

    case float(bytes: Int, order: ByteOrder)
    case signedInteger(bytes: Int, order: ByteOrder)
    case unsignedInteger(bytes: Int, order: ByteOrder)
    case bool
    case string(variableLength: Bool, encoding: HDF5StringEncoding)
    /// Any other class (compound, array, opaque, other enums, references), named.
    case other(String)

    /// E.g. "float64 (little-endian)", "int32 (big-endian)", "bool", "string (variable-length, UTF-8)".
    public var description: String {
        switch self {
        case .float(let bytes, let order): "float\(bytes * 8) (\(order.name))"
        case .signedInteger(let bytes, let order): "int\(bytes * 8) (\(order.name))"
        case .unsignedInteger(let bytes, let order): "uint\(bytes * 8) (\(order.name))"
        case .bool: "bool"
        case .string(let variableLength, let encoding):
            "string (\(variableLength ? "variable-length" : "fixed-length"), \(encoding == .utf8 ? "UTF-8" : "ASCII"))"
        case .other(let name): name
        }
    }

    /// "float64", "int32", "bool", ...: the name without byte order.
    var shortName: String {
        switch self {
        case .float(let bytes, _): "float\(bytes * 8)"
        case .signedInteger(let bytes, _): "int\(bytes * 8)"
        case .unsignedInteger(let bytes, _): "uint\(bytes * 8)"
        case .bool: "bool"
        case .string: "string"
        case .other(let name): name
        }
    }
}

extension HDF5StoredType.ByteOrder {
    var name: String {
        switch self {
        case .littleEndian: "little-endian"
        case .bigEndian: "big-endian"
        case .other: "other byte order"
        }
    }
}
