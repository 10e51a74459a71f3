extension Array {
    /// `withUnsafeBytes` with a typed throw (the standard one rethrows `any Error`). Callers pass non-empty arrays.
    func withRawBytes<R>(_ body: (UnsafeRawPointer) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        try withUnsafeBytes { buffer in
            Result { () throws(HDF5Error) in try body(buffer.baseAddress!) }
        }.get()
    }

    /// `withUnsafeMutableBytes` with a typed throw. Callers pass non-empty arrays.
    mutating func withMutableRawBytes<R>(_ body: (UnsafeMutableRawPointer) throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        try withUnsafeMutableBytes { buffer in
            Result { () throws(HDF5Error) in try body(buffer.baseAddress!) }
        }.get()
    }
}
