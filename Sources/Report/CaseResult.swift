public import Comparison

/// The outcome of replaying one fixture case: every tensor's comparison, or the error that stopped it.
public struct CaseResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case passed, failed, error
    }

    /// `file.h5/case`.
    public var identifier: String
    public var file: String
    public var caseName: String
    public var replay: String?
    public var dtype: String?
    public var comparisons: [TensorComparison]
    /// Why the case could not be compared (bad fixture, unknown replay, a layer refusing its input), naming file,
    /// case and tensor.
    public var error: String?

    public var status: Status {
        if error != nil { return .error }
        return comparisons.allSatisfy(\.passed) ? .passed : .failed
    }
}
