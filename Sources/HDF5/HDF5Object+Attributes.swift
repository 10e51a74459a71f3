internal import CHDF5

extension HDF5Object: HDF5AttributeHolder {
    public func attributeNames() throws(HDF5Error) -> [String] {
        let byCreation = try withCreationPropertyList { plist throws(HDF5Error) in
            var flags: UInt32 = 0
            try site.call("H5Pget_attr_creation_order") { H5Pget_attr_creation_order(plist, &flags) }
            return flags & UInt32(H5P_CRT_ORDER_INDEXED) != 0
        }
        var names: [String] = []
        _ = try withUnsafeMutablePointer(to: &names) { pointer throws(HDF5Error) in
            try site.call("H5Aiterate2") {
                H5Aiterate2(id, byCreation ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                    guard let name, let data else { return -1 }
                    data.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    return 0
                }, pointer)
            }
        }
        return names
    }

    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        try site.attribute(name).call("H5Aexists") { H5Aexists(id, name) } > 0
    }

    public func attributeShape(_ name: String) throws(HDF5Error) -> [Int] {
        try withAttribute(name) { store throws(HDF5Error) in try store.shape() }
    }

    public func attributeStoredType(_ name: String) throws(HDF5Error) -> HDF5StoredType {
        try withAttribute(name) { store throws(HDF5Error) in try store.storedType() }
    }

    public func readAttribute<T: HDF5Element>(
        _ name: String, as type: T.Type, allowingConversion: Bool = false
    ) throws(HDF5Error) -> [T] {
        try withAttribute(name) { store throws(HDF5Error) in try store.read(T.self, allowingConversion: allowingConversion) }
    }

    public func readStringAttribute(_ name: String) throws(HDF5Error) -> String {
        let strings = try readStringArrayAttribute(name)
        guard strings.count == 1 else {
            throw site.attribute(name).error(
                "readStringAttribute", "attribute '\(name)' of \(path) holds \(strings.count) strings, not one")
        }
        return strings[0]
    }

    public func readStringArrayAttribute(_ name: String) throws(HDF5Error) -> [String] {
        try withAttribute(name) { store throws(HDF5Error) in try store.readStrings() }
    }

    public func writeAttribute<T: HDF5Element>(_ name: String, _ values: [T], shape: [Int]) throws(HDF5Error) {
        let site = site.attribute(name)
        try T.hdf5ElementType.withTypeHandles(at: site) { _, fileType throws(HDF5Error) in
            try createAttribute(name, fileType: fileType, shape: shape, count: values.count) { store throws(HDF5Error) in
                try store.write(values)
            }
        }
    }

    public func writeStringAttribute(
        _ name: String, _ value: String, encoding: HDF5StringEncoding = .utf8, variableLength: Bool = true
    ) throws(HDF5Error) {
        try writeStrings(name, [value], shape: [], encoding: encoding, variableLength: variableLength)
    }

    public func writeStringArrayAttribute(
        _ name: String, _ values: [String], encoding: HDF5StringEncoding = .utf8, variableLength: Bool = true
    ) throws(HDF5Error) {
        try writeStrings(name, values, shape: [values.count], encoding: encoding, variableLength: variableLength)
    }

    /// Deletes an attribute; fails when it does not exist.
    public func deleteAttribute(_ name: String) throws(HDF5Error) {
        try site.attribute(name).call("H5Adelete") { H5Adelete(id, name) }
    }

    // MARK: Helpers

    private func writeStrings(
        _ name: String, _ values: [String], shape: [Int], encoding: HDF5StringEncoding, variableLength: Bool
    ) throws(HDF5Error) {
        let site = site.attribute(name)
        if encoding == .ascii, let bad = values.first(where: { !$0.unicodeScalars.allSatisfy(\.isASCII) }) {
            throw site.error("writeStringAttribute", "\(site.subject): \"\(bad)\" is not ASCII; write it as UTF-8")
        }
        let size = max(1, values.map(\.utf8.count).max() ?? 0)  // HDF5 has no 0-byte fixed strings
        let fileType = try ElementStore.makeStringType(
            variableLength: variableLength, size: size, encoding: encoding, at: site)
        defer { H5.close("H5Tclose", fileType, H5Tclose) }
        try createAttribute(name, fileType: fileType, shape: shape, count: values.count) { store throws(HDF5Error) in
            try store.writeStrings(values, variableLength: variableLength, size: size, encoding: encoding)
        }
    }

    /// Replaces attribute `name` by a new one of `fileType` and `shape`, and hands it to `write`.
    private func createAttribute(
        _ name: String, fileType: hid_t, shape: [Int], count: Int,
        _ write: (ElementStore) throws(HDF5Error) -> Void
    ) throws(HDF5Error) {
        let site = site.attribute(name)
        let space = try makeDataspace(shape, count: count, at: site, for: "writeAttribute")
        defer { H5.close("H5Sclose", space, H5Sclose) }
        if try hasAttribute(name) {
            try site.call("H5Adelete") { H5Adelete(id, name) }
        }
        let attribute = try site.call("H5Acreate2") {
            H5Acreate2(id, name, fileType, space, CHDF5_P_DEFAULT(), CHDF5_P_DEFAULT())
        }
        defer { H5.close("H5Aclose", attribute, H5Aclose) }
        try write(ElementStore(id: attribute, kind: .attribute, site: site))
    }

    private func withAttribute<R>(_ name: String, _ body: (ElementStore) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        let site = site.attribute(name)
        guard try hasAttribute(name) else {
            throw site.error("H5Aopen", "no attribute '\(name)' on \(path)")
        }
        let attribute = try site.call("H5Aopen") { H5Aopen(id, name, CHDF5_P_DEFAULT()) }
        defer { H5.close("H5Aclose", attribute, H5Aclose) }
        var store = ElementStore(id: attribute, kind: .attribute, site: site)
        store.byteLimit = file.byteCount
        return try body(store)
    }
}
