/// A fixture that cannot be used: missing, not a regular file, corrupted, of an unknown format version, or with a
/// tensor of the wrong dtype, shape or values. The message names the file, the case and the tensor; `kind`
/// classifies it for the JSON report (`file`, `manifest`, `hdf5`, `format`, `schema`, `dtype`, `shape`, `nonfinite`,
/// `tolerance`, `size`).
public struct FixtureError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var caseName: String?
    public var tensor: String?
    public var kind: String
    public var message: String

    public init(file: String, caseName: String? = nil, tensor: String? = nil, kind: String = "schema", _ message: String) {
        self.file = file
        self.caseName = caseName
        self.tensor = tensor
        self.kind = kind
        self.message = message
    }

    /// `fixtures/lstm.h5: case 'shape_demo_rnn': tensor 'outputs/hn': <message>`.
    public var description: String {
        var parts = [file]
        if let caseName { parts.append("case '\(caseName)'") }
        if let tensor { parts.append("tensor '\(tensor)'") }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
