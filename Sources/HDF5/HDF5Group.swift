internal import CHDF5

/// An open HDF5 group. Relative paths (`"inputs/x"`) are resolved from this group; a missing member is an error
/// naming the group it was looked for in (`no dataset 'x' in /case1/inputs`).
public final class HDF5Group: HDF5Object, @unchecked Sendable {
    init(id: hid_t, path: String, file: HDF5File) {
        super.init(id: id, path: path, file: file, kind: .group)
    }

    /// The names of the direct members, in creation order when the group tracks and indexes it (h5py
    /// `track_order=True`), otherwise (or with `.name`) in name order.
    public func memberNames(order: HDF5MemberOrder = .creation) throws(HDF5Error) -> [String] {
        let byCreation = order == .creation ? try tracksCreationOrder() : false
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { pointer throws(HDF5Error) in
            try site.call("H5Literate") {
                H5Literate(id, byCreation ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return -1 }
                    data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    return 0
                }, pointer)
            }
        }
        return names
    }

    /// Whether links are tracked and indexed by creation order (so `memberNames(order: .creation)` uses it).
    public func tracksCreationOrder() throws(HDF5Error) -> Bool {
        try withCreationPropertyList { plist throws(HDF5Error) in
            var flags: UInt32 = 0
            try site.call("H5Pget_link_creation_order") { H5Pget_link_creation_order(plist, &flags) }
            let wanted = UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)
            return flags & wanted == wanted
        }
    }

    /// What `name` (a relative path) is, or nil when it does not exist.
    public func kind(of name: String) throws(HDF5Error) -> HDF5ObjectKind? {
        if case .found(let kind) = try locate(name) { return kind }
        return nil
    }

    public func contains(_ name: String) throws(HDF5Error) -> Bool {
        try kind(of: name) != nil
    }

    public func group(_ relativePath: String) throws(HDF5Error) -> HDF5Group {
        let name = try normalized(relativePath)
        try expect(.group, at: name, call: "H5Gopen2")
        let id = try Site(path: childPath(name), file: file.path).call("H5Gopen2") {
            H5Gopen2(self.id, name, CHDF5_P_DEFAULT())
        }
        return HDF5Group(id: id, path: childPath(name), file: file)
    }

    public func dataset(_ relativePath: String) throws(HDF5Error) -> HDF5Dataset {
        let name = try normalized(relativePath)
        try expect(.dataset, at: name, call: "H5Dopen2")
        let id = try Site(path: childPath(name), file: file.path).call("H5Dopen2") {
            H5Dopen2(self.id, name, CHDF5_P_DEFAULT())
        }
        return HDF5Dataset(id: id, path: childPath(name), file: file)
    }

    /// Creates a direct member group; `trackCreationOrder` makes its members list in creation order (as h5py's
    /// `track_order=True`).
    public func createGroup(_ name: String, trackCreationOrder: Bool = false) throws(HDF5Error) -> HDF5Group {
        let site = Site(path: childPath(name), file: file.path)
        let plist = try site.call("H5Pcreate") { H5Pcreate(CHDF5_P_GROUP_CREATE()) }
        defer { H5.close("H5Pclose", plist, H5Pclose) }
        if trackCreationOrder {
            try site.call("H5Pset_link_creation_order") {
                H5Pset_link_creation_order(plist, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED))
            }
            try site.call("H5Pset_attr_creation_order") {
                H5Pset_attr_creation_order(plist, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED))
            }
        }
        let id = try site.call("H5Gcreate2") {
            H5Gcreate2(self.id, name, CHDF5_P_DEFAULT(), plist, CHDF5_P_DEFAULT())
        }
        return HDF5Group(id: id, path: site.path, file: file)
    }

    /// Creates a dataset of `shape` (`[]` for a scalar) holding `values` in row-major order. `chunks` makes it
    /// chunked; `gzipLevel` (0...9) compresses it with deflate, chunked as `chunks` or else as one chunk.
    @discardableResult
    public func createDataset<T: HDF5Element>(
        _ name: String, shape: [Int], values: [T], chunks: [Int]? = nil, gzipLevel: Int? = nil
    ) throws(HDF5Error) -> HDF5Dataset {
        let site = Site(path: childPath(name), file: file.path)
        let space = try makeDataspace(shape, count: values.count, at: site, for: "createDataset")
        defer { H5.close("H5Sclose", space, H5Sclose) }
        let plist = try site.call("H5Pcreate") { H5Pcreate(CHDF5_P_DATASET_CREATE()) }
        defer { H5.close("H5Pclose", plist, H5Pclose) }
        if let level = gzipLevel, !(0...9).contains(level) {
            throw site.error("createDataset", "\(site.path): gzip level \(level) is outside 0...9")
        }
        if let chunks = chunks ?? (gzipLevel != nil ? shape.map { max(1, $0) } : nil) {
            guard !shape.isEmpty, chunks.count == shape.count, chunks.allSatisfy({ $0 > 0 }) else {
                throw site.error("createDataset", "\(site.path): chunks \(chunks) do not fit shape \(shape)"
                    + " (chunking needs rank >= 1 and one positive extent per dimension)")
            }
            let dims = chunks.map { hsize_t($0) }
            try site.call("H5Pset_chunk") { H5Pset_chunk(plist, Int32(dims.count), dims) }
            if let level = gzipLevel {
                try site.call("H5Pset_deflate") { H5Pset_deflate(plist, UInt32(level)) }
            }
        }
        let dataset = try T.hdf5ElementType.withTypeHandles(at: site) { _, fileType throws(HDF5Error) in
            try site.call("H5Dcreate2") {
                H5Dcreate2(id, name, fileType, space, CHDF5_P_DEFAULT(), plist, CHDF5_P_DEFAULT())
            }
        }
        let result = HDF5Dataset(id: dataset, path: site.path, file: file)
        try result.store.write(values)
        return result
    }

    // MARK: Resolving relative paths

    private enum Location {
        case found(HDF5ObjectKind)
        /// `component` is absent from the group at `parent`; `isLast` when it is the final component.
        case missing(component: String, parent: String, isLast: Bool)
        /// A leading component exists but is not a group.
        case notAGroup(path: String, kind: HDF5ObjectKind)
    }

    private func normalized(_ relativePath: String) throws(HDF5Error) -> String {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.isEmpty else {
            throw site.error("resolve", "empty member path '\(relativePath)' in \(path)")
        }
        return components.joined(separator: "/")
    }

    /// Walks `relativePath` one link at a time (HDF5 fails, rather than answers false, when a leading component
    /// is missing).
    private func locate(_ relativePath: String) throws(HDF5Error) -> Location {
        let components = try normalized(relativePath).split(separator: "/").map(String.init)
        var prefix = ""
        var parent = path
        var kind = HDF5ObjectKind.group
        for (index, component) in components.enumerated() {
            if kind != .group { return .notAGroup(path: parent, kind: kind) }
            prefix = prefix.isEmpty ? component : prefix + "/" + component
            let site = Site(path: childPath(prefix), file: file.path)
            guard try site.call("H5Lexists", { H5Lexists(id, prefix, CHDF5_P_DEFAULT()) }) > 0 else {
                return .missing(component: component, parent: parent, isLast: index == components.count - 1)
            }
            var info = H5O_info_t()
            try site.call("H5Oget_info_by_name2") {
                H5Oget_info_by_name2(id, prefix, &info, UInt32(H5O_INFO_BASIC), CHDF5_P_DEFAULT())
            }
            kind = switch info.type {
            case H5O_TYPE_GROUP: .group
            case H5O_TYPE_DATASET: .dataset
            default: .other
            }
            if index < components.count - 1 { parent = childPath(prefix) }
        }
        return .found(kind)
    }

    private func expect(_ wanted: HDF5ObjectKind, at name: String, call: String) throws(HDF5Error) {
        let full = childPath(name)
        let noun = wanted == .group ? "group" : "dataset"
        let error = { (message: String) in HDF5Error(call: call, path: full, file: self.file.path, message: message) }
        switch try locate(name) {
        case .found(let kind) where kind == wanted:
            return
        case .found(let kind):
            let actual = kind == .group ? "a group" : kind == .dataset ? "a dataset" : "neither a group nor a dataset"
            throw error("\(full) is \(actual), not a \(noun)")
        case .missing(let component, let parent, let isLast):
            throw isLast
                ? error("no \(noun) '\(component)' in \(parent)")
                : error("no group '\(component)' in \(parent) (looking for \(noun) '\(name)' in \(path))")
        case .notAGroup(let at, _):
            throw error("\(at) is not a group (looking for \(noun) '\(name)' in \(path))")
        }
    }
}
