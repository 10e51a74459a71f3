internal import CHDF5

/// An open dataset or attribute: the two things that hold an array of elements. Reads and writes are written once
/// here, over both.
struct ElementStore {
    enum Kind { case dataset, attribute }

    let id: hid_t
    let kind: Kind
    let site: Site
    /// The most bytes the stored elements may declare: the file's size for an attribute or an unfiltered dataset
    /// (they cannot hold more than the file does), 1 GiB for a compressed one. A corrupted shape of 2^40 elements
    /// is refused here, before any memory is reserved.
    var byteLimit: Int = .max

    // MARK: Type and shape

    func withStoredTypeHandle<R>(_ body: (hid_t) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        let type = kind == .dataset
            ? try site.call("H5Dget_type") { H5Dget_type(id) }
            : try site.call("H5Aget_type") { H5Aget_type(id) }
        defer { H5.close("H5Tclose", type, H5Tclose) }
        return try body(type)
    }

    func withSpace<R>(_ body: (hid_t) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        let space = kind == .dataset
            ? try site.call("H5Dget_space") { H5Dget_space(id) }
            : try site.call("H5Aget_space") { H5Aget_space(id) }
        defer { H5.close("H5Sclose", space, H5Sclose) }
        return try body(space)
    }

    func storedType() throws(HDF5Error) -> HDF5StoredType {
        try withStoredTypeHandle { type throws(HDF5Error) in try HDF5StoredType(inspecting: type, at: site) }
    }

    /// `[]` for a scalar dataspace, `[0]` for a null one (h5py's `Empty`).
    func shape() throws(HDF5Error) -> [Int] {
        try withSpace { space throws(HDF5Error) in
            let spaceClass = H5S_class_t(
                rawValue: try site.call("H5Sget_simple_extent_type") { H5Sget_simple_extent_type(space).rawValue })
            if spaceClass == H5S_SCALAR { return [] }
            if spaceClass == H5S_NULL { return [0] }
            let rank = try site.call("H5Sget_simple_extent_ndims") { H5Sget_simple_extent_ndims(space) }
            var dims = [hsize_t](repeating: 0, count: Int(rank))
            try site.call("H5Sget_simple_extent_dims") { H5Sget_simple_extent_dims(space, &dims, nil) }
            return dims.map { Int($0) }
        }
    }

    /// The number of elements, checked against `byteLimit` before anything is allocated for them.
    func elementCount() throws(HDF5Error) -> Int {
        let count = Int(try withSpace { space throws(HDF5Error) in
            try site.call("H5Sget_simple_extent_npoints") { H5Sget_simple_extent_npoints(space) }
        })
        let elementBytes = try withStoredTypeHandle { type throws(HDF5Error) in
            Int(try site.call("H5Tget_size") { Int64(H5Tget_size(type)) })
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: max(elementBytes, 1))
        guard count >= 0, !overflow, bytes <= byteLimit else {
            throw site.error(
                "size check",
                "\(site.subject) declares \(count) elements of \(elementBytes) bytes, more than the file can hold "
                    + "(\(byteLimit == .max ? "unbounded" : "\(byteLimit) bytes")): corrupted shape, nothing allocated")
        }
        return count
    }

    // MARK: Raw transfer

    /// Reads every element, converted by HDF5 to `memoryType`, into `count` values of `S`.
    func readRaw<S>(_: S.Type, memoryType: hid_t, count: Int) throws(HDF5Error) -> [S] {
        guard count > 0 else { return [] }
        var failure: HDF5Error?
        let values = [S](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(HDF5Error) {
                try readInto(UnsafeMutableRawPointer(buffer.baseAddress!), memoryType: memoryType)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return values
    }

    func readInto(_ buffer: UnsafeMutableRawPointer, memoryType: hid_t) throws(HDF5Error) {
        if kind == .dataset {
            try site.call("H5Dread") {
                H5Dread(id, memoryType, CHDF5_S_ALL(), CHDF5_S_ALL(), CHDF5_P_DEFAULT(), buffer)
            }
        } else {
            try site.call("H5Aread") { H5Aread(id, memoryType, buffer) }
        }
    }

    func write(_ buffer: UnsafeRawPointer, memoryType: hid_t) throws(HDF5Error) {
        if kind == .dataset {
            try site.call("H5Dwrite") {
                H5Dwrite(id, memoryType, CHDF5_S_ALL(), CHDF5_S_ALL(), CHDF5_P_DEFAULT(), buffer)
            }
        } else {
            try site.call("H5Awrite") { H5Awrite(id, memoryType, buffer) }
        }
    }
}
