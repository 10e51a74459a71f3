import Testing
import HDF5

/// Reads check the stored type first: no silent narrowing or change of class.
@Suite("Stored-type checks")
struct TypeCheckTests {
    let root: HDF5Group

    init() throws {
        root = try HDF5File.open(Support.sample()).root
    }

    @Test("float64 read as Float is refused, and converted when allowed")
    func float64AsFloat() throws {
        let dataset = try root.dataset("dtypes/f64")
        let error = #expect(throws: HDF5Error.self) { try dataset.read(as: Float.self) }
        #expect(error?.message == "/dtypes/f64 is stored as float64 (little-endian); reading it as Float (float32)"
            + " would narrow (pass allowingConversion: true to let HDF5 convert)")
        #expect(error?.path == "/dtypes/f64")
        #expect(error?.file == Support.sample())
        #expect(error?.stack == "")
        let converted = try dataset.read(as: Float.self, allowingConversion: true)
        #expect(converted == (0..<6).map { Float(Double($0) / 3) })
    }

    @Test("refusals name both types and the reason", arguments: [
        ("dtypes/f32", ElementCase.int32, "float32 (little-endian); reading it as Int32 would change class (float to integer)"),
        ("dtypes/i64", .int32, "int64 (little-endian); reading it as Int32 would narrow"),
        ("dtypes/i32", .float64, "int32 (little-endian); reading it as Double (float64) would change class (integer to float)"),
        ("dtypes/i32", .uint8, "int32 (little-endian); reading it as UInt8 would change sign (signed to unsigned)"),
        ("big_endian", .float32, "float64 (big-endian); reading it as Float (float32) would narrow"),
    ])
    func refused(path: String, element: ElementCase, message: String) throws {
        let dataset = try root.dataset(path)
        let error = #expect(throws: HDF5Error.self) { try element.run(count: 0, Read(dataset: dataset)) }
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "no error")")
        try element.run(count: 0, Read(dataset: dataset, allowingConversion: true))
    }

    @Test("lossless widenings are read directly")
    func widening() throws {
        #expect(try root.dataset("dtypes/f32").read(as: Double.self) == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(try root.dataset("dtypes/i32").read(as: Int64.self) == [-2, -1, 0, 1, Int64(Int32.max)])
        #expect(try root.dataset("dtypes/u8").read(as: Int32.self) == [0, 1, 127, 128, 255])
    }

    @Test("strings are never read as numbers, even with conversion")
    func stringsAsNumbers() throws {
        let error = #expect(throws: HDF5Error.self) {
            try root.readAttribute("generator", as: Double.self, allowingConversion: true)
        }
        #expect(error?.message == "attribute 'generator' of / is stored as string (variable-length, UTF-8);"
            + " reading it as Double (float64) is impossible")
        let notString = #expect(throws: HDF5Error.self) { try root.readStringAttribute("int64_scalar") }
        #expect(notString?.message == "attribute 'int64_scalar' of / is stored as int64 (little-endian), not as a string")
    }

    /// Reads a dataset as the case's type, discarding the values.
    struct Read: ElementCheck {
        let dataset: HDF5Dataset
        var allowingConversion = false

        func run<T: HDF5Element & Equatable>(_: [T]) throws {
            _ = try dataset.read(as: T.self, allowingConversion: allowingConversion)
        }
    }
}
