/// A failed HDF5 operation: which C call (or which check of ours) failed, on which object of which file, why in
/// words, and the HDF5 error stack as text (empty when the failure is a check of ours, such as a refused narrowing).
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// The libhdf5 function that failed (`H5Dopen2`), or the wrapper operation whose check failed (`read`).
    public var call: String
    /// The object's path inside the file, e.g. `/case1/outputs/hn`.
    public var path: String
    /// The file's path on disk.
    public var file: String
    /// What went wrong, in words.
    public var message: String
    /// The HDF5 error stack, innermost call last, one entry per line; empty for failures detected by the wrapper.
    public var stack: String

    public init(call: String, path: String, file: String, message: String, stack: String = "") {
        self.call = call
        self.path = path
        self.file = file
        self.message = message
        self.stack = stack
    }

    /// The message, then call, path and file in brackets, then the stack when there is one.
    public var description: String {
        var text = "\(message) [\(call) at \(path) in \(file)]"
        if !stack.isEmpty { text += "\nHDF5 error stack:\n" + stack }
        return text
    }
}
