import Testing
import HDF5

/// Writes attributes on a group and a dataset, reopens the file read-only and reads them back.
@Suite("Attribute round trips")
struct AttributeRoundTripTests {
    /// Writes `values` as attribute "a" of shape `shape` on a group and on a dataset; reads both back.
    struct NumericAttribute: ElementCheck {
        let shape: [Int]
        let directory: String

        func run<T: HDF5Element & Equatable>(_ values: [T]) throws {
            let path = directory + "/attributes.h5"
            do {
                let group = try HDF5File.create(path).root.createGroup("g")
                try group.writeAttribute("a", values, shape: shape)
                let dataset = try group.createDataset("d", shape: [1], values: [Float(0)])
                try dataset.writeAttribute("a", values, shape: shape)
            }
            let group = try HDF5File.open(path).root.group("g")
            for holder in [group, try group.dataset("d")] as [HDF5Object] {
                #expect(try holder.attributeShape("a") == shape)
                #expect(try holder.attributeStoredType("a") == T.hdf5ElementType.storedType)
                #expect(try holder.readAttribute("a", as: T.self) == values)
            }
        }
    }

    @Test("numeric", arguments: ElementCase.allCases, [[], [3], [2, 2]] as [[Int]])
    func numeric(element: ElementCase, shape: [Int]) throws {
        try Support.withTemporaryDirectory { directory in
            try element.run(count: shape.reduce(1, *), NumericAttribute(shape: shape, directory: directory))
        }
    }

    @Test("strings", arguments: [HDF5StringEncoding.ascii, .utf8], [true, false])
    func strings(encoding: HDF5StringEncoding, variableLength: Bool) throws {
        let texts = encoding == .ascii ? ["plain ascii", ""] : ["attention – 어텐션", ""]
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/strings.h5"
            do {
                let root = try HDF5File.create(path).root
                try root.writeStringAttribute("s", texts[0], encoding: encoding, variableLength: variableLength)
                try root.writeStringAttribute("empty", texts[1], encoding: encoding, variableLength: variableLength)
                try root.writeStringArrayAttribute(
                    "list", ["one", texts[0], ""], encoding: encoding, variableLength: variableLength)
            }
            let root = try HDF5File.open(path).root
            let stored = HDF5StoredType.string(variableLength: variableLength, encoding: encoding)
            #expect(try root.attributeStoredType("s") == stored)
            #expect(try root.attributeShape("s") == [])
            #expect(try root.readStringAttribute("s") == texts[0])
            #expect(try root.readStringAttribute("empty") == "")
            #expect(try root.attributeShape("list") == [3])
            #expect(try root.readStringArrayAttribute("list") == ["one", texts[0], ""])
        }
    }

    @Test("non-ASCII text is refused as ASCII")
    func nonASCII() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/a.h5").root
            let error = #expect(throws: HDF5Error.self) {
                try root.writeStringAttribute("s", "어텐션", encoding: .ascii)
            }
            #expect(error?.message == "attribute 's' of /: \"어텐션\" is not ASCII; write it as UTF-8")
            #expect(try !root.hasAttribute("s"))
        }
    }

    @Test("writing again replaces; names follow creation order when the group tracks it")
    func replaceAndOrder() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/r.h5").root
            let tracked = try root.createGroup("tracked", trackCreationOrder: true)
            for holder in [root, tracked] {
                try holder.writeAttribute("z", [Int64(1)], shape: [])
                try holder.writeStringAttribute("a", "first")
                try holder.writeAttribute("m", [1.5, 2.5], shape: [2])
                try holder.writeStringAttribute("a", "second", variableLength: false)
                #expect(try holder.readStringAttribute("a") == "second")
            }
            #expect(try root.attributeNames() == ["a", "m", "z"])
            #expect(try tracked.attributeNames() == ["z", "m", "a"])
            try tracked.deleteAttribute("m")
            #expect(try tracked.attributeNames() == ["z", "a"])
        }
    }

    @Test("missing attribute")
    func missing() throws {
        let root = try HDF5File.open(Support.sample()).root
        let error = #expect(throws: HDF5Error.self) { try root.readAttribute("nope", as: Double.self) }
        #expect(error?.message == "no attribute 'nope' on /")
        #expect(error?.path == "/")
    }
}
