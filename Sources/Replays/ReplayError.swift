/// A case a replay cannot run: an input missing or of the wrong type, or a configuration a layer refuses.
public struct ReplayError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
