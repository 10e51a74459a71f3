internal import CSHA256

/// SHA-256 (FIPS 180-4), for the fixture manifest: `SHA256.hex(of: bytes)` is what `sha256sum` prints.
///
/// A small self-contained implementation in C (`Sources/CSHA256`, fast in debug builds too), tested against the
/// FIPS vectors and `sha256sum`, so that a corrupted committed fixture is caught before libhdf5 parses it without
/// a crypto dependency.
public enum SHA256 {
    /// The digest of `bytes` as 64 lowercase hex digits.
    public static func hex(of bytes: [UInt8]) -> String {
        let hexDigits = Array("0123456789abcdef")
        return String(digest(bytes).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 15)]] })
    }

    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                csha256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return digest
    }
}
