internal import CHDF5

/// An open HDF5 dataset of any rank (`[]` is a scalar), contiguous, chunked or compressed.
public final class HDF5Dataset: HDF5Object, @unchecked Sendable {
    init(id: hid_t, path: String, file: HDF5File) {
        super.init(id: id, path: path, file: file, kind: .dataset)
    }

    var store: ElementStore {
        var store = ElementStore(id: id, kind: .dataset, site: site)
        let filtered = (try? withCreationPropertyList { plist throws(HDF5Error) in
            try site.call("H5Pget_nfilters") { H5Pget_nfilters(plist) } > 0
        }) ?? true
        store.byteLimit = filtered ? 1 << 30 : file.byteCount
        return store
    }

    /// The extents, `[]` for a scalar dataspace (and `[0]` for a null one).
    public func shape() throws(HDF5Error) -> [Int] {
        try store.shape()
    }

    public func storedType() throws(HDF5Error) -> HDF5StoredType {
        try store.storedType()
    }

    /// Every element in row-major order. The stored type is checked first: an exact match (any byte order) or a
    /// lossless widening (float32 as `Double`, int32 as `Int64`) is read directly; narrowing (float64 as `Float`,
    /// int64 as `Int32`) or a change of class (float as `Int32`) is refused unless `allowingConversion`, and then
    /// HDF5 converts. `Bool` reads h5py's bool enum, and 1-byte integers holding only 0 and 1.
    public func read<T: HDF5Element>(as type: T.Type, allowingConversion: Bool = false) throws(HDF5Error) -> [T] {
        try store.read(T.self, allowingConversion: allowingConversion)
    }

    /// Every element of a string dataset (fixed- or variable-length, ASCII or UTF-8).
    public func readStrings() throws(HDF5Error) -> [String] {
        try store.readStrings()
    }

    /// The chunk extents, or nil for a contiguous or compact dataset.
    public func chunkShape() throws(HDF5Error) -> [Int]? {
        try withCreationPropertyList { plist throws(HDF5Error) in
            let layout = try site.call("H5Pget_layout") { H5Pget_layout(plist).rawValue }
            guard H5D_layout_t(rawValue: layout) == H5D_CHUNKED else { return nil }
            var dims = [hsize_t](repeating: 0, count: 32)
            let rank = try site.call("H5Pget_chunk") { H5Pget_chunk(plist, Int32(dims.count), &dims) }
            return dims.prefix(Int(rank)).map { Int($0) }
        }
    }
}
