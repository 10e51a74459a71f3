internal import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open HDF5 file. Groups and datasets keep their file alive; the file is closed when the last reference to it
/// (and to every object opened from it) goes away.
public final class HDF5File: @unchecked Sendable {
    /// The path the file was opened or created with.
    public let path: String
    /// The file's size in bytes when it was opened read-only (the bound on what any dataset or attribute may
    /// declare); unbounded for a file opened for writing or created.
    public let byteCount: Int
    let id: hid_t

    private init(id: hid_t, path: String, byteCount: Int = .max) {
        self.id = id
        self.path = path
        self.byteCount = byteCount
    }

    deinit { H5.close("H5Fclose", id, H5Fclose) }

    /// Opens an existing file. A missing file, a file that is not HDF5, or a truncated one each fail with a
    /// message that says which.
    public static func open(_ path: String, mode: HDF5FileMode = .readOnly) throws(HDF5Error) -> HDF5File {
        let site = Site(path: "/", file: path)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw site.error("open", "no such file: \(path) (\(String(cString: strerror(errno))))")
        }
        guard (info.st_mode & S_IFMT) != S_IFDIR else {
            throw site.error("open", "\(path) is a directory, not an HDF5 file")
        }
        let isHDF5 = try site.call("H5Fis_hdf5", message: "cannot check whether \(path) is an HDF5 file") {
            H5Fis_hdf5(path)
        }
        guard isHDF5 > 0 else {
            throw site.error("H5Fis_hdf5", "not an HDF5 file: \(path) has no HDF5 signature (\(info.st_size) bytes)")
        }
        let flags = H5.constant(mode == .readOnly ? CHDF5_F_ACC_RDONLY : CHDF5_F_ACC_RDWR)
        do throws(HDF5Error) {
            let id = try site.call("H5Fopen") { H5Fopen(path, flags, CHDF5_P_DEFAULT()) }
            // Read-only files are bounded by their size; a file opened for writing may grow.
            return HDF5File(id: id, path: path, byteCount: mode == .readOnly ? Int(info.st_size) : .max)
        } catch {
            var error = error
            error.message = error.stack.contains("truncated")
                ? "truncated HDF5 file: \(path) has \(info.st_size) bytes, fewer than its superblock records"
                : "cannot open \(path) as HDF5: not an HDF5 file or truncated/damaged"
            throw error
        }
    }

    /// Creates a file, truncating any existing file at `path`.
    public static func create(_ path: String) throws(HDF5Error) -> HDF5File {
        let site = Site(path: "/", file: path)
        let id = try site.call("H5Fcreate", message: "cannot create HDF5 file \(path)") {
            H5Fcreate(path, CHDF5_F_ACC_TRUNC(), CHDF5_P_DEFAULT(), CHDF5_P_DEFAULT())
        }
        return HDF5File(id: id, path: path)
    }

    /// The root group `/`.
    public var root: HDF5Group {
        get throws(HDF5Error) {
            let site = Site(path: "/", file: path)
            let group = try site.call("H5Gopen2") { H5Gopen2(id, "/", CHDF5_P_DEFAULT()) }
            return HDF5Group(id: group, path: "/", file: self)
        }
    }

    /// Writes buffered data to disk (the file stays open).
    public func flush() throws(HDF5Error) {
        try Site(path: "/", file: path).call("H5Fflush") { H5Fflush(id, H5F_SCOPE_LOCAL) }
    }
}
