internal import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ElementStore {
    /// Reads every element of a string dataset or attribute: fixed- or variable-length, ASCII or UTF-8.
    /// Fixed-length strings end at their first NUL (space-padded ones lose their trailing spaces).
    func readStrings() throws(HDF5Error) -> [String] {
        let stored = try storedType()
        guard case .string(let variableLength, let encoding) = stored else {
            throw site.error("readString", "\(site.subject) is stored as \(stored), not as a string")
        }
        let count = try elementCount()
        guard count > 0 else { return [] }
        let byteStrings = try withStoredTypeHandle { fileType throws(HDF5Error) -> [[UInt8]] in
            variableLength
                ? try readVariableLength(count: count, encoding: encoding)
                : try readFixedLength(count: count, fileType: fileType)
        }
        return try byteStrings.enumerated().map { index, bytes throws(HDF5Error) in
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw site.error("readString", "\(site.subject): string at flat index \(index) is not valid UTF-8")
            }
            return string
        }
    }

    private func readVariableLength(count: Int, encoding: HDF5StringEncoding) throws(HDF5Error) -> [[UInt8]] {
        let memory = try Self.makeStringType(variableLength: true, size: 0, encoding: encoding, at: site)
        defer { H5.close("H5Tclose", memory, H5Tclose) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try pointers.withMutableRawBytes { buffer throws(HDF5Error) in
            try readInto(buffer, memoryType: memory)
        }
        defer {
            _ = try? withSpace { space throws(HDF5Error) in
                try site.call("H5Dvlen_reclaim") { H5Dvlen_reclaim(memory, space, CHDF5_P_DEFAULT(), &pointers) }
            }
        }
        return pointers.map { pointer in
            guard let pointer else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
        }
    }

    private func readFixedLength(count: Int, fileType: hid_t) throws(HDF5Error) -> [[UInt8]] {
        let size = try site.call("H5Tget_size", failed: { $0 == 0 }) { H5Tget_size(fileType) }
        let pad = try site.call("H5Tget_strpad") { H5Tget_strpad(fileType).rawValue }
        let memory = try site.call("H5Tcopy") { H5Tcopy(fileType) }
        defer { H5.close("H5Tclose", memory, H5Tclose) }
        var bytes = [UInt8](repeating: 0, count: count * size)
        try bytes.withMutableRawBytes { buffer throws(HDF5Error) in
            try readInto(buffer, memoryType: memory)
        }
        return (0..<count).map { index in
            var element = bytes[index * size ..< (index + 1) * size]
            if let end = element.firstIndex(of: 0) { element = element[..<end] }
            if H5T_str_t(rawValue: pad) == H5T_STR_SPACEPAD {
                while element.last == 0x20 { element = element.dropLast() }
            }
            return Array(element)
        }
    }

    /// Writes strings into a store created with `makeStringType(...)` as its type.
    /// `size` is the fixed length in bytes (at least 1), ignored for variable-length strings.
    func writeStrings(_ values: [String], variableLength: Bool, size: Int, encoding: HDF5StringEncoding)
        throws(HDF5Error)
    {
        guard !values.isEmpty else { return }
        let memory = try Self.makeStringType(variableLength: variableLength, size: size, encoding: encoding, at: site)
        defer { H5.close("H5Tclose", memory, H5Tclose) }
        if variableLength {
            let pointers = values.map { strdup($0) }
            defer { pointers.forEach { free($0) } }
            try pointers.withRawBytes { buffer throws(HDF5Error) in try write(buffer, memoryType: memory) }
        } else {
            var bytes = [UInt8](repeating: 0, count: values.count * size)
            for (index, value) in values.enumerated() {
                bytes.replaceSubrange(index * size ..< index * size + value.utf8.count, with: value.utf8)
            }
            try bytes.withRawBytes { buffer throws(HDF5Error) in try write(buffer, memoryType: memory) }
        }
    }

    /// A C string type: variable-length, or fixed at `size` bytes padded with NULs (as h5py writes numpy bytes).
    static func makeStringType(variableLength: Bool, size: Int, encoding: HDF5StringEncoding, at site: Site)
        throws(HDF5Error) -> hid_t
    {
        let type = try site.call("H5Tcopy") { H5Tcopy(CHDF5_T_C_S1()) }
        do throws(HDF5Error) {
            let size = variableLength ? CHDF5_T_VARIABLE() : max(1, size)
            try site.call("H5Tset_size") { H5Tset_size(type, size) }
            try site.call("H5Tset_cset") { H5Tset_cset(type, encoding == .utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) }
            if !variableLength {
                try site.call("H5Tset_strpad") { H5Tset_strpad(type, H5T_STR_NULLPAD) }
            }
        } catch {
            H5.close("H5Tclose", type, H5Tclose)
            throw error
        }
        return type
    }
}
