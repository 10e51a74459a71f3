import Foundation
import HDF5

/// Paths the tests use: the h5py-written samples (next to this file) and fresh temporary directories.
enum Support {
    /// `Samples/<name>` beside this source file (written by tools/make_hdf5_samples.py).
    static func sample(_ name: String = "forms.h5", filePath: String = #filePath) -> String {
        URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("Samples").appendingPathComponent(name).path
    }

    /// Runs `body` with a new empty directory, removed afterwards unless HDF5_TESTS_KEEP_FILES is set (then its path
    /// is printed, e.g. to check the files with h5dump).
    static func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("HDF5Tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["HDF5_TESTS_KEEP_FILES"] != nil {
                print("kept \(directory)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        return try body(directory)
    }
}

/// A check generic over the element type, run by `ElementCase.run` (closures cannot be generic).
protocol ElementCheck {
    func run<T: HDF5Element & Equatable>(_ values: [T]) throws
}

/// The element types, as test arguments: each makes `count` deterministic values (extremes included) and runs a
/// generic check with them.
enum ElementCase: String, CaseIterable, Sendable, CustomStringConvertible {
    case float32, float64, int32, int64, uint8, bool

    var description: String { rawValue }

    func run(count: Int, _ check: some ElementCheck) throws {
        switch self {
        case .float32: try check.run((0..<count).map { Float($0) * 0.5 - 3 })
        case .float64: try check.run((0..<count).map { Double($0) / 3 - 1e10 })
        case .int32: try check.run((0..<count).map { $0 == 1 ? Int32.max : Int32($0) * 1000 - 7 })
        case .int64: try check.run((0..<count).map { $0 == 1 ? Int64.min : Int64($0) << 33 })
        case .uint8: try check.run((0..<count).map { UInt8(($0 * 37) % 256) })
        case .bool: try check.run((0..<count).map { $0 % 3 == 0 })
        }
    }
}
