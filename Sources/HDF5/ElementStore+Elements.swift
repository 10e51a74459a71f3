internal import CHDF5

extension ElementStore {
    /// Reads every element as `T`, after checking the stored type: exact matches and lossless widenings are read
    /// directly; narrowing or a change of class is refused unless `allowingConversion` (then HDF5 converts).
    /// `Bool` reads h5py's bool enum, or 1-byte integers (any integer with `allowingConversion`) holding only 0 and 1.
    func read<T: HDF5Element>(_: T.Type, allowingConversion: Bool) throws(HDF5Error) -> [T] {
        let target = T.hdf5ElementType
        let stored = try storedType()
        let count = try elementCount()
        if target.kind == .bool {
            return try readBools(stored: stored, count: count, allowingConversion: allowingConversion) as! [T]
        }
        if let reason = target.narrowingReason(from: stored) {
            switch stored {
            case .bool, .string, .other:
                throw site.error("read", "\(site.subject) is stored as \(stored); reading it as \(target) is impossible"
                    + (stored == .bool ? " (read it as Bool)" : ""))
            default:
                if !allowingConversion {
                    throw site.error("read", "\(site.subject) is stored as \(stored); reading it as \(target) \(reason)"
                        + " (pass allowingConversion: true to let HDF5 convert)")
                }
            }
        }
        return try target.withTypeHandles(at: site) { memory, _ throws(HDF5Error) in
            try readRaw(T.self, memoryType: memory, count: count)
        }
    }

    private func readBools(stored: HDF5StoredType, count: Int, allowingConversion: Bool) throws(HDF5Error) -> [Bool] {
        let raw: [Int64]
        switch stored {
        case .bool:
            raw = try withStoredTypeHandle { fileType throws(HDF5Error) in
                let native = try site.call("H5Tget_native_type") { H5Tget_native_type(fileType, H5T_DIR_ASCEND) }
                defer { H5.close("H5Tclose", native, H5Tclose) }
                return try readRaw(Int8.self, memoryType: native, count: count).map(Int64.init)
            }
        case .signedInteger(1, _):
            raw = try readRaw(Int8.self, memoryType: H5.constant(CHDF5_T_NATIVE_INT8), count: count).map(Int64.init)
        case .unsignedInteger(1, _):
            raw = try readRaw(UInt8.self, memoryType: H5.constant(CHDF5_T_NATIVE_UINT8), count: count).map(Int64.init)
        case .signedInteger, .unsignedInteger:
            guard allowingConversion else {
                throw site.error("read", "\(site.subject) is stored as \(stored); reading it as Bool would narrow"
                    + " (pass allowingConversion: true to let HDF5 convert)")
            }
            raw = try readRaw(Int64.self, memoryType: H5.constant(CHDF5_T_NATIVE_INT64), count: count)
        default:
            throw site.error("read", "\(site.subject) is stored as \(stored); reading it as Bool is impossible")
        }
        if let index = raw.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw site.error("read", "\(site.subject) is stored as \(stored) and holds \(raw[index]) at flat index"
                + " \(index); only 0 and 1 read as Bool")
        }
        return raw.map { $0 == 1 }
    }

    /// Writes every element; the store was created with `T`'s file type and `values.count` elements.
    func write<T: HDF5Element>(_ values: [T]) throws(HDF5Error) {
        guard !values.isEmpty else { return }
        let type = T.hdf5ElementType
        try type.withTypeHandles(at: site) { memory, _ throws(HDF5Error) in
            if type.kind == .bool {
                let bytes = (values as! [Bool]).map { Int8($0 ? 1 : 0) }
                try bytes.withRawBytes { buffer throws(HDF5Error) in try write(buffer, memoryType: memory) }
            } else {
                try values.withRawBytes { buffer throws(HDF5Error) in try write(buffer, memoryType: memory) }
            }
        }
    }
}
