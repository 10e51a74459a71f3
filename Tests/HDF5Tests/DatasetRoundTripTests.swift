import Testing
import HDF5

/// A dataset layout to round-trip: a shape (rank 0 to 3), optionally chunked and gzip-compressed.
struct Layout: Sendable, CustomTestStringConvertible {
    let shape: [Int]
    let chunks: [Int]?
    let gzipLevel: Int?

    var count: Int { shape.reduce(1, *) }
    var testDescription: String {
        "shape \(shape)" + (chunks.map { ", chunks \($0)" } ?? "") + (gzipLevel.map { ", gzip \($0)" } ?? "")
    }

    static let all: [Layout] = [
        Layout(shape: [], chunks: nil, gzipLevel: nil),
        Layout(shape: [5], chunks: nil, gzipLevel: nil),
        Layout(shape: [3, 4], chunks: nil, gzipLevel: nil),
        Layout(shape: [2, 3, 4], chunks: nil, gzipLevel: nil),
        Layout(shape: [2, 0], chunks: nil, gzipLevel: nil),
        Layout(shape: [7], chunks: [3], gzipLevel: 6),
        Layout(shape: [3, 4], chunks: [2, 4], gzipLevel: 4),
        Layout(shape: [2, 3, 4], chunks: [1, 3, 2], gzipLevel: 9),
        Layout(shape: [4, 5], chunks: [2, 2], gzipLevel: nil),
        Layout(shape: [4, 5], chunks: nil, gzipLevel: 1),
    ]
}

/// Writes values as a dataset, closes the file, reopens it read-only and compares everything.
struct DatasetRoundTrip: ElementCheck {
    let layout: Layout
    let directory: String

    func run<T: HDF5Element & Equatable>(_ values: [T]) throws {
        let path = directory + "/roundtrip.h5"
        do {
            let root = try HDF5File.create(path).root
            let group = try root.createGroup("case")
            try group.createDataset("x", shape: layout.shape, values: values, chunks: layout.chunks,
                                    gzipLevel: layout.gzipLevel)
        }
        let dataset = try HDF5File.open(path).root.dataset("case/x")
        #expect(dataset.path == "/case/x")
        #expect(try dataset.shape() == layout.shape)
        #expect(try dataset.storedType() == T.hdf5ElementType.storedType)
        let expectedChunks = layout.chunks ?? (layout.gzipLevel != nil ? layout.shape : nil)
        #expect(try dataset.chunkShape() == expectedChunks)
        #expect(try dataset.read(as: T.self) == values)
    }
}

@Suite("Dataset round trips")
struct DatasetRoundTripTests {
    @Test("write, reopen, read", arguments: ElementCase.allCases, Layout.all)
    func roundTrip(element: ElementCase, layout: Layout) throws {
        try Support.withTemporaryDirectory { directory in
            try element.run(count: layout.count, DatasetRoundTrip(layout: layout, directory: directory))
        }
    }

    @Test("a scalar cannot be chunked")
    func scalarChunksRefused() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/s.h5").root
            let error = #expect(throws: HDF5Error.self) {
                try root.createDataset("s", shape: [], values: [Float(1)], chunks: [1])
            }
            #expect(error?.message.contains("chunks [1] do not fit shape []") == true)
        }
    }

    @Test("shape and value count must agree")
    func shapeMismatchRefused() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/m.h5").root
            let error = #expect(throws: HDF5Error.self) {
                try root.createDataset("m", shape: [2, 3], values: [Int64](repeating: 0, count: 5))
            }
            #expect(error?.path == "/m")
            #expect(error?.message.contains("shape [2, 3] holds 6 elements but 5 were given") == true)
            #expect(try root.contains("m") == false)
        }
    }

    @Test("groups list members in creation order only when they track it")
    func memberOrder() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/o.h5").root
            let tracked = try root.createGroup("tracked", trackCreationOrder: true)
            let plain = try root.createGroup("plain")
            for name in ["c", "a", "b"] {
                try tracked.createDataset(name, shape: [], values: [Int32(0)])
                try plain.createDataset(name, shape: [], values: [Int32(0)])
            }
            #expect(try tracked.memberNames() == ["c", "a", "b"])
            #expect(try tracked.memberNames(order: .name) == ["a", "b", "c"])
            #expect(try plain.memberNames() == ["a", "b", "c"])
            #expect(try root.memberNames() == ["plain", "tracked"])
            #expect(try root.kind(of: "tracked") == .group)
            #expect(try root.kind(of: "tracked/c") == .dataset)
            #expect(try root.kind(of: "tracked/c/deeper") == nil)
            #expect(try root.kind(of: "nothing/here") == nil)
        }
    }
}
