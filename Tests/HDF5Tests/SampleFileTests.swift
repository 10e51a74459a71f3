import Testing
import HDF5

/// Reads every form in Samples/forms.h5, written by h5py (tools/make_hdf5_samples.py).
@Suite("h5py-written sample")
struct SampleFileTests {
    let root: HDF5Group

    init() throws {
        root = try HDF5File.open(Support.sample()).root
    }

    @Test("names its generator")
    func generator() throws {
        #expect(try root.readStringAttribute("generator") == "tools/make_hdf5_samples.py")
    }

    @Test("top-level members in name order (the file does not track creation order)")
    func topLevel() throws {
        #expect(try root.memberNames() == [
            "big_endian", "compressed", "dtypes", "nested", "ordered", "scalars", "unordered",
        ])
        #expect(try root.kind(of: "dtypes") == .group)
        #expect(try root.kind(of: "big_endian") == .dataset)
        #expect(try root.kind(of: "absent") == nil)
        #expect(try root.group("dtypes").memberNames() == ["bool", "f32", "f64", "i32", "i64", "u8"])
    }

    @Test("float32 [2, 3]")
    func float32() throws {
        let dataset = try root.dataset("dtypes/f32")
        #expect(try dataset.shape() == [2, 3])
        #expect(try dataset.storedType() == .float(bytes: 4, order: .littleEndian))
        #expect(try dataset.read(as: Float.self) == [0, 0.5, 1, 1.5, 2, 2.5])
    }

    @Test("float64 [3, 2] with attributes")
    func float64() throws {
        let dataset = try root.group("dtypes").dataset("f64")
        #expect(try dataset.shape() == [3, 2])
        #expect(try dataset.storedType().description == "float64 (little-endian)")
        #expect(try dataset.read(as: Double.self) == (0..<6).map { Double($0) / 3 })
        #expect(try dataset.attributeNames() == ["rtol", "tolerance_reason"])
        #expect(try dataset.readAttribute("rtol", as: Double.self) == [1e-5])
        #expect(try dataset.attributeShape("rtol") == [])
        #expect(try dataset.readStringAttribute("tolerance_reason") == "sample: max rel error 3e-6 measured")
    }

    @Test("integers: int32, int64, uint8")
    func integers() throws {
        #expect(try root.dataset("dtypes/i32").read(as: Int32.self) == [-2, -1, 0, 1, Int32.max])
        #expect(try root.dataset("dtypes/i64").read(as: Int64.self) == [-(1 << 40), 0, 1, 1 << 40])
        #expect(try root.dataset("dtypes/i64").shape() == [2, 2])
        #expect(try root.dataset("dtypes/u8").read(as: UInt8.self) == [0, 1, 127, 128, 255])
        #expect(try root.dataset("dtypes/u8").storedType() == .unsignedInteger(bytes: 1, order: .littleEndian))
    }

    @Test("bool is h5py's enum over int8")
    func bool() throws {
        let dataset = try root.dataset("dtypes/bool")
        #expect(try dataset.storedType() == .bool)
        #expect(try dataset.read(as: Bool.self) == [true, false, true, true])
        let error = #expect(throws: HDF5Error.self) { try dataset.read(as: UInt8.self, allowingConversion: true) }
        #expect(error?.message.contains("stored as bool; reading it as UInt8 is impossible (read it as Bool)") == true)
    }

    @Test("uint8 holding values other than 0 and 1 is not read as Bool")
    func uint8AsBool() throws {
        let error = #expect(throws: HDF5Error.self) { try root.dataset("dtypes/u8").read(as: Bool.self) }
        #expect(error?.message.contains("holds 127 at flat index 2; only 0 and 1 read as Bool") == true)
    }

    @Test("rank-0 datasets")
    func scalars() throws {
        #expect(try root.dataset("scalars/f64").shape() == [])
        #expect(try root.dataset("scalars/f64").read(as: Double.self) == [3.25])
        #expect(try root.dataset("scalars/i64").read(as: Int64.self) == [-7])
    }

    @Test("chunked and gzip-compressed")
    func compressed() throws {
        let dataset = try root.dataset("compressed/gz")
        #expect(try dataset.shape() == [20, 10])
        #expect(try dataset.chunkShape() == [5, 10])
        #expect(try dataset.read(as: Float.self) == (0..<200).map { (Float($0) - 100) / 8 })
    }

    @Test("nested groups")
    func nested() throws {
        let nested = try root.group("nested")
        let b = try nested.group("a/b")
        #expect(b.path == "/nested/a/b")
        #expect(try b.memberNames() == ["leaf"])
        #expect(try root.dataset("nested/a/b/leaf").read(as: Int64.self) == [1, 2, 3])
        #expect(try nested.kind(of: "a/b/leaf") == .dataset)
        #expect(try nested.contains("a/b"))
        #expect(try !nested.contains("a/c"))
    }

    @Test("track_order=True lists members in creation order; other groups fall back to name order")
    func creationOrder() throws {
        let ordered = try root.group("ordered")
        #expect(try ordered.tracksCreationOrder())
        #expect(try ordered.memberNames() == ["zeta", "alpha", "mid"])
        #expect(try ordered.memberNames(order: .name) == ["alpha", "mid", "zeta"])
        #expect(try ordered.dataset("mid").read(as: Int64.self) == [2])
        let unordered = try root.group("unordered")
        #expect(try !unordered.tracksCreationOrder())
        #expect(try unordered.memberNames() == ["a", "b"])
    }

    @Test("big-endian float64 reads into Double (byte order is not narrowing)")
    func bigEndian() throws {
        let dataset = try root.dataset("big_endian")
        #expect(try dataset.storedType() == .float(bytes: 8, order: .bigEndian))
        #expect(try dataset.storedType().description == "float64 (big-endian)")
        #expect(try dataset.read(as: Double.self) == [1, -2.5, 1e300])
    }

    @Test("numeric attributes: scalars and arrays")
    func numericAttributes() throws {
        #expect(try root.readAttribute("int64_scalar", as: Int64.self) == [42])
        #expect(try root.readAttribute("float64_scalar", as: Double.self) == [0.25])
        #expect(try root.readAttribute("float32_array", as: Float.self) == [1.5, -2, 3.25])
        #expect(try root.attributeShape("int32_array") == [2, 2])
        #expect(try root.readAttribute("int32_array", as: Int32.self) == [1, 2, 3, 4])
        #expect(try root.attributeStoredType("bool_scalar") == .bool)
        #expect(try root.readAttribute("bool_scalar", as: Bool.self) == [true])
    }

    @Test("string attributes", arguments: [
        ("utf8_vlen", HDF5StoredType.string(variableLength: true, encoding: .utf8), "attention – 어텐션"),
        ("ascii_vlen", .string(variableLength: true, encoding: .ascii), "plain ascii"),
        ("ascii_fixed", .string(variableLength: false, encoding: .ascii), "fixed ascii"),
        ("utf8_fixed", .string(variableLength: false, encoding: .utf8), "attention – 어텐션"),
    ])
    func stringAttributes(name: String, stored: HDF5StoredType, value: String) throws {
        #expect(try root.attributeStoredType(name) == stored)
        #expect(try root.attributeShape(name) == [])
        #expect(try root.readStringAttribute(name) == value)
    }

    @Test("string array attribute")
    func stringArray() throws {
        #expect(try root.attributeShape("string_array") == [3])
        #expect(try root.readStringArrayAttribute("string_array") == ["alpha", "beta", "attention – 어텐션"])
        let error = #expect(throws: HDF5Error.self) { try root.readStringAttribute("string_array") }
        #expect(error?.message == "attribute 'string_array' of / holds 3 strings, not one")
    }

    @Test("attribute names")
    func attributeNames() throws {
        #expect(try root.attributeNames() == [
            "ascii_fixed", "ascii_vlen", "bool_scalar", "float32_array", "float64_scalar", "generator",
            "int32_array", "int64_scalar", "string_array", "utf8_fixed", "utf8_vlen",
        ])
        #expect(try root.hasAttribute("generator"))
        #expect(try !root.hasAttribute("nope"))
    }

    @Test("concurrent readers are serialized, not crashed")
    func concurrentReads() async throws {
        let path = Support.sample()
        try await withThrowingTaskGroup(of: [Float].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    try HDF5File.open(path).root.dataset("compressed/gz").read(as: Float.self)
                }
            }
            for try await values in group {
                #expect(values.count == 200)
            }
        }
    }
}
