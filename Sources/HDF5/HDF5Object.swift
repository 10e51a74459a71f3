internal import CHDF5

/// What groups and datasets share: a path in a file, an open handle (closed on `deinit`), and attributes
/// (see `HDF5Object+Attributes.swift`). Not subclassable outside this module.
public class HDF5Object: @unchecked Sendable {
    /// Full path inside the file, e.g. `/case1/outputs`.
    public let path: String
    /// The file; kept alive as long as this object is.
    public let file: HDF5File
    let id: hid_t
    let objectKind: HDF5ObjectKind

    init(id: hid_t, path: String, file: HDF5File, kind: HDF5ObjectKind) {
        self.id = id
        self.path = path
        self.file = file
        self.objectKind = kind
    }

    deinit {
        if objectKind == .group {
            H5.close("H5Gclose", id, H5Gclose)
        } else {
            H5.close("H5Dclose", id, H5Dclose)
        }
    }

    var site: Site { Site(path: path, file: file.path) }

    /// The object's creation property list (group or dataset), for creation-order flags.
    func withCreationPropertyList<R>(_ body: (hid_t) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        let plist = objectKind == .group
            ? try site.call("H5Gget_create_plist") { H5Gget_create_plist(id) }
            : try site.call("H5Dget_create_plist") { H5Dget_create_plist(id) }
        defer { H5.close("H5Pclose", plist, H5Pclose) }
        return try body(plist)
    }

    /// `path` joined with a relative path.
    func childPath(_ relative: String) -> String {
        path == "/" ? "/" + relative : path + "/" + relative
    }
}

/// Checks that `shape` has non-negative extents holding `count` elements, and makes its dataspace
/// (scalar for `[]`).
func makeDataspace(_ shape: [Int], count: Int, at site: Site, for call: String) throws(HDF5Error) -> hid_t {
    guard shape.allSatisfy({ $0 >= 0 }) else {
        throw site.error(call, "\(site.subject): negative extent in shape \(shape)")
    }
    let expected = shape.reduce(1, *)
    guard expected == count else {
        throw site.error(call, "\(site.subject): shape \(shape) holds \(expected) elements but \(count) were given")
    }
    if shape.isEmpty {
        return try site.call("H5Screate") { H5Screate(H5S_SCALAR) }
    }
    let dims = shape.map { hsize_t($0) }
    return try site.call("H5Screate_simple") { H5Screate_simple(Int32(dims.count), dims, nil) }
}
