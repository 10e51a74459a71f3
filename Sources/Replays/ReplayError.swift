/// A case a replay cannot run: an input missing or of the wrong type, a configuration refused, a parameter, input
/// or output left unaccounted for. `kind` classifies it for the JSON report (`config`, `input`, `parameters`,
/// `coverage`, `layer`, `replay`).
public struct ReplayError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var kind: String
    /// The tensor the error is about (`inputs/x`, `outputs/hn`), when one.
    public var tensor: String?
    public init(_ message: String, kind: String = "replay", tensor: String? = nil) {
        self.message = message
        self.kind = kind
        self.tensor = tensor
    }
    public var description: String { message }
}
