/// A Swift type that datasets and attributes can be read into and written from:
/// `Float`, `Double`, `Int32`, `Int64`, `UInt8` and `Bool`. The set is closed (`HDF5ElementType` has no public
/// initializer), so every conforming type has a known memory layout.
///
/// Writing stores `Float` as float32, `Double` as float64, `Int32`/`Int64` as int32/int64, `UInt8` as uint8 (all
/// little-endian) and `Bool` as h5py does: an enum over int8 with `FALSE = 0`, `TRUE = 1`.
public protocol HDF5Element: Sendable {
    static var hdf5ElementType: HDF5ElementType { get }
}

/// Describes how an `HDF5Element` is laid out in memory and stored in files.
public struct HDF5ElementType: Sendable, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        case float32, float64, int32, int64, uint8, bool
    }

    let kind: Kind

    /// How values of this type are written to files.
    public var storedType: HDF5StoredType {
        switch kind {
        case .float32: .float(bytes: 4, order: .littleEndian)
        case .float64: .float(bytes: 8, order: .littleEndian)
        case .int32: .signedInteger(bytes: 4, order: .littleEndian)
        case .int64: .signedInteger(bytes: 8, order: .littleEndian)
        case .uint8: .unsignedInteger(bytes: 1, order: .littleEndian)
        case .bool: .bool
        }
    }

    /// E.g. "Float (float32)".
    public var description: String {
        switch kind {
        case .float32: "Float (float32)"
        case .float64: "Double (float64)"
        case .int32: "Int32"
        case .int64: "Int64"
        case .uint8: "UInt8"
        case .bool: "Bool"
        }
    }
}

extension Float: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .float32) }
}

extension Double: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .float64) }
}

extension Int32: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .int32) }
}

extension Int64: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .int64) }
}

extension UInt8: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .uint8) }
}

extension Bool: HDF5Element {
    public static var hdf5ElementType: HDF5ElementType { HDF5ElementType(kind: .bool) }
}
