internal import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one door into libhdf5. Every C call goes through `call`, which serializes it behind a global lock, makes
/// sure HDF5 does not print its error stack to stderr, and turns a failed result into an `HDF5Error` carrying the
/// call's name, the object and file it concerned, and the error stack walked with `H5Ewalk2`.
enum H5 {
    /// Serializes all of libhdf5. Recursive, so nested calls (a `deinit` closing a handle while a call runs, or
    /// callers that hold the lock across several calls) cannot deadlock.
    static let lock = RecursiveLock()

    /// Debian builds libhdf5 thread-safe (`H5_HAVE_THREADSAFE`), which makes error stacks and the automatic
    /// printing setting per thread: the printing is switched off once per thread, tracked by this key.
    private static let silencedKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Runs `body` (one libhdf5 call) under the lock; `failed` judges its result.
    static func call<R>(
        _ name: String, at site: Site, message: @autoclosure () -> String? = nil,
        failed: (R) -> Bool, _ body: () -> R
    ) throws(HDF5Error) -> R {
        try lock.withLock { () throws(HDF5Error) -> R in
            silenceAutomaticPrinting()
            let result = body()
            guard failed(result) else { return result }
            throw HDF5Error(
                call: name, path: site.path, file: site.file,
                message: message() ?? "\(site.subject): \(name) failed", stack: takeErrorStack())
        }
    }

    /// A call returning `hid_t`, `herr_t`, `htri_t` or `ssize_t`: negative means failure.
    @discardableResult
    static func call<R: SignedInteger>(
        _ name: String, at site: Site, message: @autoclosure () -> String? = nil, _ body: () -> R
    ) throws(HDF5Error) -> R {
        try call(name, at: site, message: message(), failed: { $0 < 0 }, body)
    }

    /// Evaluates libhdf5 "constants" (`H5T_NATIVE_FLOAT`, `H5F_ACC_RDONLY`): those macros call `H5open()`, so
    /// they are serialized too. They cannot fail once the library is open.
    static func constant<R>(_ body: () -> R) -> R {
        lock.withLock(body)
    }

    /// Closes a handle without ever throwing or trapping (for `deinit` and `defer`); a failure is dropped.
    static func close(_ name: String, _ id: hid_t, _ closer: (hid_t) -> herr_t) {
        _ = try? call(name, at: Site(path: "", file: ""), { closer(id) })
    }

    private static func silenceAutomaticPrinting() {
        guard pthread_getspecific(silencedKey) == nil else { return }
        H5Eset_auto2(CHDF5_E_DEFAULT(), nil, nil)
        pthread_setspecific(silencedKey, UnsafeRawPointer(bitPattern: 1))
    }

    /// Takes (copies and clears) the current thread's error stack and renders it, outermost call first.
    private static func takeErrorStack() -> String {
        let stack = H5Eget_current_stack()
        guard stack >= 0 else { return "" }
        defer { H5Eclose_stack(stack) }
        var lines: [String] = []
        withUnsafeMutablePointer(to: &lines) { linesPointer in
            _ = H5Ewalk2(stack, H5E_WALK_DOWNWARD, { index, entry, clientData in
                guard let entry, let clientData else { return 0 }
                let lines = clientData.assumingMemoryBound(to: [String].self)
                let e = entry.pointee
                let function = e.func_name.map { String(cString: $0) } ?? "?"
                let file = e.file_name.map { String(cString: $0) } ?? "?"
                let detail = e.desc.map { String(cString: $0) } ?? ""
                let major = H5.errorMessage(e.maj_num)
                let minor = H5.errorMessage(e.min_num)
                lines.pointee.append(
                    "#\(index) \(function) (\(file):\(e.line)): \(detail) [\(major) / \(minor)]")
                return 0
            }, linesPointer)
        }
        return lines.joined(separator: "\n")
    }

    private static func errorMessage(_ id: hid_t) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let length = H5Eget_msg(id, nil, &buffer, buffer.count)
        guard length > 0 else { return "?" }
        return String(decoding: buffer.prefix(min(Int(length), buffer.count - 1)).map { UInt8(bitPattern: $0) },
                      as: UTF8.self)
    }
}

/// Where a call happens, for error messages: the object's path in the file, the file, and optionally the
/// attribute concerned.
struct Site: Sendable {
    var path: String
    var file: String
    var attribute: String? = nil

    /// "attribute 'rtol' of /case1/outputs/hn" or "/case1/outputs/hn".
    var subject: String {
        if let attribute { return "attribute '\(attribute)' of \(path)" }
        return path
    }

    func attribute(_ name: String) -> Site { Site(path: path, file: file, attribute: name) }

    /// An error found by the wrapper itself (no HDF5 error stack).
    func error(_ call: String, _ message: String) -> HDF5Error {
        HDF5Error(call: call, path: path, file: file, message: message)
    }

    @discardableResult
    func call<R: SignedInteger>(
        _ name: String, message: @autoclosure () -> String? = nil, _ body: () -> R
    ) throws(HDF5Error) -> R {
        try H5.call(name, at: self, message: message(), body)
    }

    func call<R>(
        _ name: String, message: @autoclosure () -> String? = nil, failed: (R) -> Bool, _ body: () -> R
    ) throws(HDF5Error) -> R {
        try H5.call(name, at: self, message: message(), failed: failed, body)
    }
}
