import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is checked about a fixture file before libhdf5 may open it, in the user's terms: it exists, is a regular
/// file (not a FIFO, directory, device or dangling link), is readable, starts with an HDF5 signature, and, when the
/// folder holds a `MANIFEST.sha256` that lists it, has the SHA-256 recorded there (a committed fixture corrupted on
/// disk is one line, never a libhdf5 crash).
public enum FixtureFileCheck {
    /// The manifest's file name, in the fixtures folder (`sha256sum` format: `<64 hex>  <file name>`).
    public static let manifestName = "MANIFEST.sha256"

    /// What the manifest said about a file.
    public enum ManifestStatus: String, Sendable, Codable {
        /// Listed, and the SHA-256 matches.
        case verified
        /// The folder has a manifest that does not list the file (a user's own fixture): run isolated, unverified.
        case notListed = "not listed"
        /// The folder has no manifest.
        case noManifest = "no manifest"
    }

    /// The outcome of a successful check.
    public struct Verified: Sendable, Codable {
        public var byteCount: Int
        public var manifest: ManifestStatus
        /// The digest, when the manifest listed the file.
        public var sha256: String?
    }

    /// Checks `path`; every failure is a `FixtureError` naming the file, with kind `file` or `manifest`.
    public static func check(_ path: String) throws(FixtureError) -> Verified {
        func fail(_ message: String, kind: String = "file") -> FixtureError { FixtureError(file: path, kind: kind, message) }
        var link = stat()
        guard lstat(path, &link) == 0 else {
            let code = errno
            if code == ENOENT { throw fail("no such file or folder") }
            if code == EACCES { throw fail("permission denied (a folder on the path cannot be searched)") }
            throw fail("cannot examine the file: \(String(cString: strerror(code)))")
        }
        var info = stat()
        if stat(path, &info) != 0 {
            let code = errno
            if (link.st_mode & S_IFMT) == S_IFLNK, code == ENOENT {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                throw fail("dangling symbolic link: it points to '\(target)', which does not exist")
            }
            throw fail("cannot examine the file: \(String(cString: strerror(code)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("is a directory, not a fixture file")
        case S_IFIFO: throw fail("is a FIFO (named pipe), not a regular file: not opened")
        case S_IFSOCK: throw fail("is a socket, not a regular file: not opened")
        case S_IFCHR, S_IFBLK: throw fail("is a device, not a regular file: not opened")
        default: throw fail("is not a regular file: not opened")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES { throw fail("permission denied: the file is not readable by this user") }
            throw fail("cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, (opened.st_mode & S_IFMT) == S_IFREG else {
            throw fail("changed while being checked: not a regular file any more")
        }
        let size = Int(opened.st_size)
        guard size >= 8 else { throw fail("not an HDF5 file: \(size) bytes, too short for an HDF5 signature (corrupted or truncated)") }

        let folder = (path as NSString).deletingLastPathComponent
        let manifestPath = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(manifestName)
        let name = (path as NSString).lastPathComponent
        var status = ManifestStatus.noManifest
        var expected: String?
        if FileManager.default.fileExists(atPath: manifestPath) {
            let entries = try manifest(at: manifestPath)
            expected = entries[name]
            status = expected == nil ? .notListed : .verified
        }
        if let expected {
            let key = "\(path)|\(opened.st_dev)|\(opened.st_ino)|\(size)|\(opened.st_mtim.tv_sec).\(opened.st_mtim.tv_nsec)"
            let actual: String
            if let known = digests.value(key) {
                actual = known
            } else {
                actual = SHA256.hex(of: try readAll(fd, size: size, path))
                digests.set(key, actual)
            }
            guard actual == expected else {
                throw fail(
                    "corrupted file: its SHA-256 is \(actual.prefix(16))…, \(manifestName) records \(expected.prefix(16))… "
                        + "(restore it with `git checkout -- \(path)`, or regenerate with `bash tools/regenerate.sh`)",
                    kind: "manifest")
            }
        }
        guard try hasSignature(fd, size: size, path) else {
            throw fail("not an HDF5 file: no HDF5 signature at offset 0, 512, 1024, ... (\(size) bytes)")
        }
        return Verified(byteCount: size, manifest: status, sha256: expected)
    }

    /// Digests already computed in this process, by path, device, inode, size and modification time.
    private static let digests = DigestCache()

    /// The manifest's entries, file name to lowercase hex digest; a malformed line is an error naming the manifest.
    public static func manifest(at path: String) throws(FixtureError) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FixtureError(file: path, kind: "manifest", "cannot read the manifest")
        }
        var entries: [String: String] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1)
            let digest = parts.first.map(String.init) ?? ""
            guard parts.count == 2, digest.count == 64, digest.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw FixtureError(file: path, kind: "manifest", "line \(number + 1) is not `<sha256>  <file>`: \(line)")
            }
            var name = String(parts[1])
            if name.hasPrefix(" ") || name.hasPrefix("*") { name.removeFirst() }
            entries[name] = digest
        }
        return entries
    }

    private static func readAll(_ fd: Int32, size: Int, _ path: String) throws(FixtureError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size)
        var offset = 0
        while offset < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + offset, size - offset, off_t(offset)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw FixtureError(file: path, kind: "file", "cannot read the file (\(String(cString: strerror(errno))))") }
            offset += n
        }
        return bytes
    }

    /// HDF5's superblock signature `\x89HDF\r\n\x1a\n`, at 0 or at a power of two from 512 on (after a user block).
    private static func hasSignature(_ fd: Int32, size: Int, _ path: String) throws(FixtureError) -> Bool {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
        var offset = 0
        while offset + 8 <= size {
            var buffer = [UInt8](repeating: 0, count: 8)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 8, off_t(offset)) }
            if n == 8 && buffer == signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}

private final class DigestCache: @unchecked Sendable {
    private let lock = NSLock()
    private var digests: [String: String] = [:]
    func value(_ key: String) -> String? { lock.withLock { digests[key] } }
    func set(_ key: String, _ digest: String) { lock.withLock { digests[key] = digest } }
}
