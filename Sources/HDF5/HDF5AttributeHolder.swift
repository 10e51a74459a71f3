/// Something that carries HDF5 attributes: `HDF5Group` and `HDF5Dataset` (through `HDF5Object`).
///
/// Numeric reads follow the rules of `HDF5Dataset.read(as:allowingConversion:)`; a scalar attribute reads as one
/// element. Writing an attribute that exists replaces it.
public protocol HDF5AttributeHolder {
    /// Names in creation order when the object tracks and indexes it (h5py `track_order=True`), else by name.
    func attributeNames() throws(HDF5Error) -> [String]
    func hasAttribute(_ name: String) throws(HDF5Error) -> Bool
    /// `[]` for a scalar attribute.
    func attributeShape(_ name: String) throws(HDF5Error) -> [Int]
    func attributeStoredType(_ name: String) throws(HDF5Error) -> HDF5StoredType
    func readAttribute<T: HDF5Element>(_ name: String, as type: T.Type, allowingConversion: Bool)
        throws(HDF5Error) -> [T]
    /// A single string (scalar, or an array of one), fixed- or variable-length, ASCII or UTF-8.
    func readStringAttribute(_ name: String) throws(HDF5Error) -> String
    func readStringArrayAttribute(_ name: String) throws(HDF5Error) -> [String]
    /// `shape: []` writes a scalar (then `values` has one element).
    func writeAttribute<T: HDF5Element>(_ name: String, _ values: [T], shape: [Int]) throws(HDF5Error)
    func writeStringAttribute(
        _ name: String, _ value: String, encoding: HDF5StringEncoding, variableLength: Bool) throws(HDF5Error)
    /// A rank-1 string attribute.
    func writeStringArrayAttribute(
        _ name: String, _ values: [String], encoding: HDF5StringEncoding, variableLength: Bool) throws(HDF5Error)
}

/// The defaults of `HDF5Object`'s implementations, for callers holding an `any HDF5AttributeHolder`.
extension HDF5AttributeHolder {
    public func readAttribute<T: HDF5Element>(_ name: String, as type: T.Type) throws(HDF5Error) -> [T] {
        try readAttribute(name, as: type, allowingConversion: false)
    }

    public func writeStringAttribute(_ name: String, _ value: String) throws(HDF5Error) {
        try writeStringAttribute(name, value, encoding: .utf8, variableLength: true)
    }

    public func writeStringArrayAttribute(_ name: String, _ values: [String]) throws(HDF5Error) {
        try writeStringArrayAttribute(name, values, encoding: .utf8, variableLength: true)
    }
}
