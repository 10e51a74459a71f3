/// A fixture that cannot be used: missing, truncated, of an unknown format version, or with a tensor of the
/// wrong dtype, shape or values. The message names the file, the case and the tensor.
public struct FixtureError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var caseName: String?
    public var tensor: String?
    public var message: String

    public init(file: String, caseName: String? = nil, tensor: String? = nil, _ message: String) {
        self.file = file
        self.caseName = caseName
        self.tensor = tensor
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
