internal import CHDF5

extension HDF5StoredType {
    /// Describes an HDF5 datatype handle: class, size, byte order, sign, string kind and character set.
    init(inspecting type: hid_t, at site: Site) throws(HDF5Error) {
        let typeClass = H5T_class_t(rawValue: try site.call("H5Tget_class") { H5Tget_class(type).rawValue })
        switch typeClass {
        case H5T_FLOAT, H5T_INTEGER:
            let bytes = try site.call("H5Tget_size", failed: { $0 == 0 }) { H5Tget_size(type) }
            let order = try ByteOrder(site.call("H5Tget_order") { H5Tget_order(type).rawValue })
            if typeClass == H5T_FLOAT {
                self = .float(bytes: bytes, order: order)
            } else {
                let sign = H5T_sign_t(rawValue: try site.call("H5Tget_sign") { H5Tget_sign(type).rawValue })
                self = sign == H5T_SGN_NONE
                    ? .unsignedInteger(bytes: bytes, order: order) : .signedInteger(bytes: bytes, order: order)
            }
        case H5T_STRING:
            let variable = try site.call("H5Tis_variable_str") { H5Tis_variable_str(type) } > 0
            let cset = H5T_cset_t(rawValue: try site.call("H5Tget_cset") { H5Tget_cset(type).rawValue })
            self = .string(variableLength: variable, encoding: cset == H5T_CSET_UTF8 ? .utf8 : .ascii)
        case H5T_ENUM:
            self = try Self.isH5pyBool(type, at: site) ? .bool : .other("enum")
        case H5T_TIME: self = .other("time")
        case H5T_BITFIELD: self = .other("bitfield")
        case H5T_OPAQUE: self = .other("opaque")
        case H5T_COMPOUND: self = .other("compound")
        case H5T_REFERENCE: self = .other("reference")
        case H5T_VLEN: self = .other("variable-length sequence")
        case H5T_ARRAY: self = .other("array")
        default: self = .other("unknown class \(typeClass.rawValue)")
        }
    }

    /// h5py stores numpy `bool` as an enum over a 1-byte integer with exactly `FALSE = 0` and `TRUE = 1`.
    private static func isH5pyBool(_ type: hid_t, at site: Site) throws(HDF5Error) -> Bool {
        let base = try site.call("H5Tget_super") { H5Tget_super(type) }
        defer { H5.close("H5Tclose", base, H5Tclose) }
        guard case .signedInteger(1, _) = try HDF5StoredType(inspecting: base, at: site) else { return false }
        guard try site.call("H5Tget_nmembers", { H5Tget_nmembers(type) }) == 2 else { return false }
        var members: [String: Int8] = [:]
        for index in UInt32(0)..<2 {
            let name = try site.call("H5Tget_member_name", failed: { $0 == nil }) { H5Tget_member_name(type, index) }
            defer { _ = try? site.call("H5free_memory") { H5free_memory(name) } }
            var value: Int8 = -1
            try site.call("H5Tget_member_value") { H5Tget_member_value(type, index, &value) }
            members[String(cString: name!)] = value
        }
        return members == ["FALSE": 0, "TRUE": 1]
    }
}

extension HDF5StoredType.ByteOrder {
    init(_ order: Int32) {
        switch H5T_order_t(rawValue: order) {
        case H5T_ORDER_LE: self = .littleEndian
        case H5T_ORDER_BE: self = .bigEndian
        default: self = .other
        }
    }
}
