import Foundation
import Testing
import HDF5

/// Broken inputs give an HDF5Error that says what is wrong, never a crash.
@Suite("Failures")
struct FailureTests {
    @Test("missing file")
    func missingFile() throws {
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open("/nonexistent/dir/file.h5") }
        #expect(error?.message.hasPrefix("no such file: /nonexistent/dir/file.h5") == true)
        #expect(error?.file == "/nonexistent/dir/file.h5")
    }

    @Test("a text file is not HDF5")
    func textFile() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/notes.h5"
            try "just some text, not HDF5\n".write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
            #expect(error?.message == "not an HDF5 file: \(path) has no HDF5 signature (25 bytes)")
        }
    }

    @Test("a truncated file says so and carries the HDF5 error stack")
    func truncatedFile() throws {
        try Support.withTemporaryDirectory { directory in
            let path = directory + "/truncated.h5"
            let bytes = try Data(contentsOf: URL(fileURLWithPath: Support.sample()))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: HDF5Error.self) { try HDF5File.open(path) }
            #expect(error?.call == "H5Fopen")
            #expect(error?.message.hasPrefix("truncated HDF5 file: \(path) has \(bytes.count / 2) bytes") == true)
            #expect(error?.stack.contains("H5Fopen") == true, "\(error?.stack ?? "")")
            #expect(error?.stack.contains("truncated file") == true, "\(error?.stack ?? "")")
        }
    }

    @Test("a directory is not a file")
    func directory() throws {
        try Support.withTemporaryDirectory { directory in
            let error = #expect(throws: HDF5Error.self) { try HDF5File.open(directory) }
            #expect(error?.message == "\(directory) is a directory, not an HDF5 file")
        }
    }

    @Test("missing members name the full path", arguments: [
        ("dtypes", "x", "dataset", "/dtypes/x", "no dataset 'x' in /dtypes"),
        ("/", "dtypes/x", "dataset", "/dtypes/x", "no dataset 'x' in /dtypes"),
        ("/", "nested/z/leaf", "dataset", "/nested/z/leaf",
         "no group 'z' in /nested (looking for dataset 'nested/z/leaf' in /)"),
        ("/", "dtypes/f32", "group", "/dtypes/f32", "/dtypes/f32 is a dataset, not a group"),
        ("/", "nested", "dataset", "/nested", "/nested is a group, not a dataset"),
        ("/", "dtypes/f32/deeper", "dataset", "/dtypes/f32/deeper",
         "/dtypes/f32 is not a group (looking for dataset 'dtypes/f32/deeper' in /)"),
    ])
    func missingMember(group: String, member: String, kind: String, path: String, message: String) throws {
        let root = try HDF5File.open(Support.sample()).root
        let parent = group == "/" ? root : try root.group(group)
        let error = #expect(throws: HDF5Error.self) {
            if kind == "group" { _ = try parent.group(member) } else { _ = try parent.dataset(member) }
        }
        #expect(error?.message == message)
        #expect(error?.path == path)
        #expect(error?.file == Support.sample())
    }

    @Test("a failing HDF5 call reports call, path and stack")
    func failingCall() throws {
        try Support.withTemporaryDirectory { directory in
            let root = try HDF5File.create(directory + "/dup.h5").root
            _ = try root.createGroup("g")
            let error = #expect(throws: HDF5Error.self) { try root.createGroup("g") }
            #expect(error?.call == "H5Gcreate2")
            #expect(error?.path == "/g")
            #expect(error?.stack.contains("already exists") == true, "\(error?.stack ?? "")")
            #expect(error.map { "\($0)" }?.contains("HDF5 error stack:") == true)
        }
    }

    @Test("read-only files refuse writes")
    func readOnly() throws {
        let root = try HDF5File.open(Support.sample()).root
        let error = #expect(throws: HDF5Error.self) { try root.writeAttribute("x", [Int32(1)], shape: []) }
        #expect(error?.call == "H5Acreate2")
        #expect(error?.stack.isEmpty == false)
    }
}
