internal import CHDF5

extension HDF5ElementType {
    /// Runs `body` with this element's memory type and the file type it is written as. Both are library constants
    /// except for `Bool`, whose enum types (h5py's: over int8, `FALSE = 0`, `TRUE = 1`) are made and closed here.
    func withTypeHandles<R>(
        at site: Site, _ body: (_ memory: hid_t, _ file: hid_t) throws(HDF5Error) -> R
    ) throws(HDF5Error) -> R {
        switch kind {
        case .float32: return try body(H5.constant(CHDF5_T_NATIVE_FLOAT), H5.constant(CHDF5_T_IEEE_F32LE))
        case .float64: return try body(H5.constant(CHDF5_T_NATIVE_DOUBLE), H5.constant(CHDF5_T_IEEE_F64LE))
        case .int32: return try body(H5.constant(CHDF5_T_NATIVE_INT32), H5.constant(CHDF5_T_STD_I32LE))
        case .int64: return try body(H5.constant(CHDF5_T_NATIVE_INT64), H5.constant(CHDF5_T_STD_I64LE))
        case .uint8: return try body(H5.constant(CHDF5_T_NATIVE_UINT8), H5.constant(CHDF5_T_STD_U8LE))
        case .bool:
            let memory = try Self.makeBoolEnum(over: H5.constant(CHDF5_T_NATIVE_INT8), at: site)
            defer { H5.close("H5Tclose", memory, H5Tclose) }
            let file = try Self.makeBoolEnum(over: H5.constant(CHDF5_T_STD_I8LE), at: site)
            defer { H5.close("H5Tclose", file, H5Tclose) }
            return try body(memory, file)
        }
    }

    private static func makeBoolEnum(over base: hid_t, at site: Site) throws(HDF5Error) -> hid_t {
        let type = try site.call("H5Tenum_create") { H5Tenum_create(base) }
        do throws(HDF5Error) {
            var no: Int8 = 0
            var yes: Int8 = 1
            try site.call("H5Tenum_insert") { H5Tenum_insert(type, "FALSE", &no) }
            try site.call("H5Tenum_insert") { H5Tenum_insert(type, "TRUE", &yes) }
        } catch {
            H5.close("H5Tclose", type, H5Tclose)
            throw error
        }
        return type
    }

    /// Why reading data stored as `stored` into this type is refused without `allowingConversion`, or nil when it
    /// is exact or a lossless widening (float32 into Double, int32 into Int64, uint8 into Int32, any byte order).
    func narrowingReason(from stored: HDF5StoredType) -> String? {
        let (targetBytes, targetSigned, targetIsFloat): (Int, Bool, Bool) = switch kind {
        case .float32: (4, true, true)
        case .float64: (8, true, true)
        case .int32: (4, true, false)
        case .int64: (8, true, false)
        case .uint8: (1, false, false)
        case .bool: (1, false, false)
        }
        switch stored {
        case .float(let bytes, _):
            guard targetIsFloat else { return "would change class (float to integer)" }
            return bytes <= targetBytes ? nil : "would narrow"
        case .signedInteger(let bytes, _):
            if targetIsFloat { return "would change class (integer to float)" }
            if !targetSigned { return "would change sign (signed to unsigned)" }
            return bytes <= targetBytes ? nil : "would narrow"
        case .unsignedInteger(let bytes, _):
            if targetIsFloat { return "would change class (integer to float)" }
            if targetSigned && bytes >= targetBytes { return bytes == targetBytes ? "could overflow (unsigned to signed)" : "would narrow" }
            return bytes <= targetBytes ? nil : "would narrow"
        case .bool, .string, .other:
            return "is impossible"
        }
    }
}
